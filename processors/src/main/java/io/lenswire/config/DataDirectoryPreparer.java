package io.lenswire.config;

import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Makes the data dir and its database directory owner-only (0700) before any bean runs: the
 * database, the API key and the data key are created inside it afterwards, by H2 and by us, so no
 * other user can open them at any moment (H2 creates its files with the process umask).
 */
public class DataDirectoryPreparer implements EnvironmentPostProcessor {

    private final Log log;

    public DataDirectoryPreparer(DeferredLogFactory logs) {
        this.log = logs.getLog(DataDirectoryPreparer.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Path dataDir = Path.of(environment.getProperty("lenswire.data-dir", "data"));
        for (Path dir : new Path[] {dataDir, dataDir.resolve("db")}) {
            if (PrivateDataDirectory.ensure(dir)) {
                log.warn("The data directory " + dir.getFileName() + " was readable by other users; it is now owner-only (0700)");
            }
        }
    }
}
