package io.geo.wan.relay;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the project's {@code config/} directory for tests: the system property {@code geo.config.dir} (set by the
 * parent pom's surefire configuration), else the first {@code config/} holding {@code wan/} walking up from the
 * working directory.
 */
final class RelayTestConfig
{
    private RelayTestConfig()
    {
    }

    static Path configDir()
    {
        final String property = System.getProperty("geo.config.dir");
        if (null != property && !property.isBlank() && Files.isDirectory(Path.of(property).resolve("wan")))
        {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); null != dir; dir = dir.getParent())
        {
            if (Files.isDirectory(dir.resolve("config").resolve("wan")))
            {
                return dir.resolve("config");
            }
        }
        throw new IllegalStateException("no config/wan directory: set -Dgeo.config.dir=<project>/config");
    }
}
