package io.geo.router.cli;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the command line finds the project's {@code config/}: an explicit option, -Dgeo.config.dir, or ./config. */
final class ConfigDirectory
{
    /** The system property bin/geo sets to the project's config directory. */
    static final String PROPERTY = "geo.config.dir";

    private ConfigDirectory()
    {
    }

    static Path resolve(final Path option)
    {
        if (option != null)
        {
            return option;
        }
        final String property = System.getProperty(PROPERTY);
        return property != null ? Paths.get(property) : Paths.get("config");
    }
}
