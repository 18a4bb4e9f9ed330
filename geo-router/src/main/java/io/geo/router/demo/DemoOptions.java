package io.geo.router.demo;

/** Settings of an embedded demo run, validated by {@link #validate()} with errors naming the option. */
public record DemoOptions(
    int seconds,
    int conflictPercent,
    int readPercent,
    int clientsPerRegion,
    long seed)
{
    public DemoOptions validate()
    {
        if (seconds < 1 || seconds > 3600)
        {
            throw new IllegalArgumentException("--seconds must be 1..3600; got " + seconds);
        }
        if (conflictPercent < 0 || conflictPercent > 100)
        {
            throw new IllegalArgumentException("--conflict must be 0..100; got " + conflictPercent);
        }
        if (readPercent < 0 || readPercent > 100)
        {
            throw new IllegalArgumentException("--reads must be 0..100; got " + readPercent);
        }
        if (clientsPerRegion < 1 || clientsPerRegion > 1000)
        {
            throw new IllegalArgumentException("--clients must be 1..1000; got " + clientsPerRegion);
        }
        return this;
    }
}
