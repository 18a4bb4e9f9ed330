package io.geo.wan;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the project's {@code config/} directory for tests: the system property {@code geo.config.dir} (set by the
 * parent pom's surefire configuration), else the first {@code config/} holding {@code wan/} found walking up from
 * the working directory (for running a test from an IDE).
 */
final class TestConfig
{
    static final String CONFIG_DIR_PROPERTY = "geo.config.dir";

    private TestConfig()
    {
    }

    static Path configDir()
    {
        final String property = System.getProperty(CONFIG_DIR_PROPERTY);
        if (null != property && !property.isBlank())
        {
            final Path dir = Path.of(property);
            if (Files.isDirectory(dir.resolve(WanProfile.CONFIG_SUBDIRECTORY)))
            {
                return dir;
            }
        }

        for (Path dir = Path.of("").toAbsolutePath(); null != dir; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("config");
            if (Files.isDirectory(candidate.resolve(WanProfile.CONFIG_SUBDIRECTORY)))
            {
                return candidate;
            }
        }

        throw new IllegalStateException("no config/wan directory: set -D" + CONFIG_DIR_PROPERTY +
            "=<project>/config or run from inside the project (working directory " +
            Path.of("").toAbsolutePath() + ")");
    }

    static Path wanDir()
    {
        return configDir().resolve(WanProfile.CONFIG_SUBDIRECTORY);
    }

    static WanProfile shipped(final String name)
    {
        try
        {
            return WanProfile.resolve(name, configDir());
        }
        catch (final WanProfileException ex)
        {
            throw new AssertionError(ex.getMessage(), ex);
        }
    }
}
