package com.prism.lts.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a route file of the sandbox's {@code routes/} folder when it is added, saved or deleted: the routes of that
 * file, and no other, are replaced, started or removed, and one line says what happened.
 * <p>
 * camel-main's own reload ({@code camel.main.routes-reload-enabled}) reloads the files of every running route along
 * with the changed one, once per route: {@code archive.yaml} holds three routes, so adding any other file loaded it three
 * times and failed with "duplicate route id detected archive", with a stack trace. Camel's file watcher is kept; what
 * a change does is this class's.
 */
final class RouteFolderReload {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFolderReload.class);

    private final CamelContext context;
    /** What each file held when it was last read: a save often comes as two events, the second changes nothing. */
    private final Map<Path, String> loaded = new HashMap<>();

    private RouteFolderReload(CamelContext context) {
        this.context = context;
    }

    /** Watches {@code folder} for {@code .yaml} and {@code .java} route files while {@code context} runs. */
    static void watch(CamelContext context, Path folder) throws Exception {
        RouteFolderReload reload = new RouteFolderReload(context);
        RouteWatcherReloadStrategy watcher = new RouteWatcherReloadStrategy(folder.toString());
        watcher.setPattern("*.yaml,*.java");
        watcher.setResourceReload((name, resource) -> reload.changed(Path.of(name), resource));
        context.addService(watcher);
    }

    private void changed(Path file, Resource resource) {
        Path shown = shown(file);
        Set<String> before = routesOf(file);
        try {
            if (!Files.exists(file)) {
                remove(before);
                loaded.remove(file.toAbsolutePath());
                LOG.info("Removed {}: {}", shown, before.isEmpty() ? "it had no routes" : "stopped routes " + before);
                return;
            }
            String content = Files.readString(file);
            // an empty file is one being written (saving truncates first): its content comes with the next event
            if (content.isBlank() || content.equals(loaded.put(file.toAbsolutePath(), content))) {
                return;
            }
            Set<String> after = PluginHelper.getRoutesLoader(context).updateRoutes(List.of(resource));
            Set<String> gone = new LinkedHashSet<>(before);
            gone.removeAll(after);
            remove(gone);
            LOG.info("Reloaded {}: routes {} {}{}", shown, after, before.isEmpty() ? "started" : "replaced",
                    gone.isEmpty() ? "" : "; stopped routes " + gone);
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            String why = cause == e ? e.getMessage() : e.getMessage() + ": " + cause.getMessage();
            LOG.warn("Could not reload {}: {}", shown, why.replaceAll("\\s*\\n\\s*", " "));
        }
    }

    private Set<String> routesOf(Path file) {
        Set<String> ids = new LinkedHashSet<>();
        for (Route route : context.getRoutes()) {
            Resource source = route.getSourceResource();
            if (source != null && file.toAbsolutePath().normalize().equals(pathOf(source))) {
                ids.add(route.getRouteId());
            }
        }
        return ids;
    }

    private static Path pathOf(Resource resource) {
        String location = resource.getLocation();
        return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location)
                .toAbsolutePath().normalize();
    }

    private void remove(Set<String> routeIds) throws Exception {
        for (String id : routeIds) {
            context.getRouteController().stopRoute(id);
            context.removeRoute(id);
        }
    }

    private static Path shown(Path file) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
    }
}
