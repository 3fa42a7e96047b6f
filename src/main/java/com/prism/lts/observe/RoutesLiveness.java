package com.prism.lts.observe;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.SupervisingRouteController;

/**
 * Live while every route runs or is being started again. A route that waits for S3 to come back is not a reason to
 * restart the pod (restarting would not help); a route that stopped for good is.
 */
public final class RoutesLiveness extends AbstractHealthCheck {

    public RoutesLiveness() {
        super("prism", "routes-running");
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext context = getCamelContext();
        for (Route route : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getId());
            boolean restarting = context.getRouteController() instanceof SupervisingRouteController supervisor
                    && supervisor.getRestartingRoutes().contains(route);
            if (status != null && !status.isStarted() && !status.isStarting() && !restarting) {
                builder.message("route " + route.getId() + " is " + status.name().toLowerCase()
                        + " and nothing will start it again");
                builder.down();
                return;
            }
        }
        builder.up();
    }
}
