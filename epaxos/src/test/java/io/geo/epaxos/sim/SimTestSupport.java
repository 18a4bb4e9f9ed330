package io.geo.epaxos.sim;

import io.geo.wan.WanProfile;
import io.geo.wan.WanProfileException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the project's config directory for tests: system property geo.config.dir, else walk up from the cwd. */
public final class SimTestSupport
{
    private SimTestSupport()
    {
    }

    public static Path configDir()
    {
        final String property = System.getProperty("geo.config.dir");
        if (property != null && Files.isDirectory(Paths.get(property, "wan")))
        {
            return Paths.get(property);
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null)
        {
            if (Files.isDirectory(dir.resolve("config").resolve("wan")))
            {
                return dir.resolve("config");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find config/wan above " + Paths.get("").toAbsolutePath());
    }

    public static WanProfile profile(final String name)
    {
        try
        {
            return WanProfile.resolve(name, configDir());
        }
        catch (final WanProfileException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
    }
}
