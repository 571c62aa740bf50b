package io.lenswire.api;

import org.apache.catalina.Host;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Puts {@link JsonErrorValve} in place of the HTML error report valve that Spring Boot and Tomcat
 * add to the host. Runs after Spring Boot's own customizer (default order is last), so its valve
 * is there to be replaced; naming our class as the host's error valve keeps Tomcat from adding its
 * default one again at start.
 */
@Component
public class JsonErrorValveInstaller implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            Pipeline pipeline = host.getPipeline();
            for (Valve valve : pipeline.getValves()) {
                if (valve instanceof ErrorReportValve) {
                    pipeline.removeValve(valve);
                }
            }
            pipeline.addValve(new JsonErrorValve());
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(JsonErrorValve.class.getName());
            }
        });
    }
}
