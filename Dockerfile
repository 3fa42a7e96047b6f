# Prism LTS: the shaded jar, started with the same `java -jar prism-lts.jar run` as docs/operations.md and the tests.
# DockerfileTest checks what can be checked without a Docker engine; kubernetes/ shows how the image is run.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
COPY src src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests

# A JDK rather than a JRE: routes/*.java are compiled when the application starts (camel-java-joor-dsl needs the
# jdk.compiler module). A jlink-ed runtime with jdk.compiler would be smaller, but its module list would have to
# follow everything the fat jar loads by reflection, and nothing here could catch a missing module before
# production does.
FROM eclipse-temurin:17-jdk-noble
RUN groupadd --system --gid 10001 prism \
    && useradd --system --uid 10001 --gid prism --home-dir /app --no-create-home --shell /usr/sbin/nologin prism
# The application reads routes/ and config/application.properties relative to its working directory:
#   /app/routes                         the shipped routes; a ConfigMap mounted here replaces them
#   /app/config/application.properties  absent in the image; a ConfigMap mounted on /app/config overrides defaults
#   /app/prism-lts.jsa                  the class-data archive (scripts/class-data-archive)
# Nothing under /app is written, so the root filesystem can be read-only; /tmp must stay writable.
WORKDIR /app
COPY --from=build /build/target/prism-lts.jar prism-lts.jar
COPY routes routes
RUN mkdir config
# The class-data archive each start maps instead of loading its classes again (3 CPU seconds less per start), written
# by this image's own JVM, as it must be
COPY scripts/class-data-archive /tmp/class-data-archive
RUN sh /tmp/class-data-archive prism-lts.jar prism-lts.jsa && rm /tmp/class-data-archive
USER 10001
# Management port (camel.management.port): /observe/health/live and /observe/health/ready, /observe/metrics.
EXPOSE 9876
# For plain Docker; Kubernetes ignores HEALTHCHECK and uses the probes of kubernetes/base/deployment.yaml.
HEALTHCHECK --start-period=60s --interval=15s CMD curl -fsS -o /dev/null http://localhost:9876/observe/health/live
# The heap follows the container's memory limit; an OutOfMemoryError ends the process so that it gets restarted.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=prism-lts.jsa", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", \
    "-jar", "prism-lts.jar"]
CMD ["run"]
