import org.apache.camel.builder.RouteBuilder;

/** A Java DSL route next to the YAML one: answers how many records were archived so far. */
public class ArchivedCount extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:archived-count").routeId("archived-count")
                .bean("archiveMetrics", "recordsArchived");
    }
}
