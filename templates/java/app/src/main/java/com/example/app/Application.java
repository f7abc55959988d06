package com.example.app;

import com.example.app.probes.Probe;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** Entry point: config → Spring → signals. The behaviour lives in classes tests use directly. */
@SpringBootApplication
public class Application {

    public static void main(String[] args) {
        Config config;
        try {
            config = Config.load(System.getenv(), Services.DEFAULT_PORT, Services.DEPENDENCIES);
        } catch (Config.ConfigException e) {
            // One line naming every problem, then exit 1: no stack trace, no half-started app.
            LogLine.write("ERROR", Application.class, "invalid configuration", Map.of("problems", e.problems()));
            System.exit(1);
            return;
        }

        SpringApplication app = new SpringApplication(Application.class);
        app.setDefaultProperties(config.springProperties(Services.NAME));
        app.addInitializers(context -> context.getBeanFactory().registerSingleton("config", config));
        ConfigurableApplicationContext context;
        try {
            context = app.run(args);
        } catch (RuntimeException e) {
            // Spring has logged why (port in use, bad property...) as JSON.
            System.exit(1);
            return;
        }
        Shutdown.install(context, context.getBean(AppState.class), config.shutdownTimeoutMs());
    }

    @Bean
    AppState appState() {
        return new AppState();
    }

    @Bean
    Readiness readiness(Config config) {
        return Readiness.of(config, Probe.DEFAULT_TIMEOUT);
    }
}
