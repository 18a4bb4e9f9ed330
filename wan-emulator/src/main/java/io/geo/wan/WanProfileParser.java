package io.geo.wan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates the lines of one {@code .wan} file (format: {@code docs/wan-profiles.md}). One pass: a name
 * must be declared (by a {@code regions} or {@code alias} line) before a line uses it. Every error is a
 * {@link WanProfileException} naming the file, the line and the bad value. Single use, not thread-safe.
 */
final class WanProfileParser
{
    /** Longer lines are rejected: a {@code regions} line of {@link WanProfile#MAX_REGIONS} long names fits. */
    static final int MAX_LINE_LENGTH = 8192;

    /** Largest RTT or jitter accepted: a minute is far beyond any terrestrial or satellite link. */
    static final double MAX_DELAY_MS = 60_000.0;

    static final String NAME_RULE =
        "use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters";

    private static final String PROFILE_SYNTAX = "profile <name>";
    private static final String REGIONS_SYNTAX = "regions <region> [<region> ...]";
    private static final String ALIAS_SYNTAX = "alias <short name> = <region>";
    private static final String PAIR_SYNTAX = "pair <region> <region> rttMs=<ms> jitterMs=<ms> [loss=<0..1>]";
    private static final String DEFAULT_SYNTAX = "default rttMs=<ms> jitterMs=<ms> [loss=<0..1>]";
    private static final int QUOTE_LENGTH_MAX = 80;
    private static final int MISSING_PAIRS_SHOWN_MAX = 3;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern AROUND_EQUALS = Pattern.compile("\\s*=\\s*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** One link's figures, from a {@code pair} or {@code default} line. */
    private record Link(double rttMs, double jitterMs, double lossProbability, int lineNumber)
    {
    }

    private final String source;
    private String name;
    private int nameLineNumber;
    private final ArrayList<String> regions = new ArrayList<>();
    private final HashMap<String, Integer> regionIndexByName = new HashMap<>();
    private final LinkedHashMap<String, String> aliases = new LinkedHashMap<>();
    /** Region or alias name to the line that declared it, to point at the first declaration of a duplicate. */
    private final HashMap<String, Integer> declaredLineByName = new HashMap<>();
    /** Pair key {@code lower * MAX_REGIONS + higher} to its link; insertion order keeps parsing deterministic. */
    private final LinkedHashMap<Integer, Link> linkByPair = new LinkedHashMap<>();
    private Link defaultLink;

    WanProfileParser(final String source)
    {
        this.source = source;
    }

    static boolean isValidName(final String name)
    {
        return NAME.matcher(name).matches();
    }

    WanProfile parse(final List<String> lines) throws WanProfileException
    {
        for (int i = 0; i < lines.size(); i++)
        {
            parseLine(lines.get(i), i + 1);
        }

        return build();
    }

    private void parseLine(final String line, final int lineNumber) throws WanProfileException
    {
        if (line.length() > MAX_LINE_LENGTH)
        {
            throw error(lineNumber, "line of " + line.length() + " characters is longer than the limit of " +
                MAX_LINE_LENGTH);
        }

        final int commentStart = line.indexOf('#');
        final String content = (commentStart >= 0 ? line.substring(0, commentStart) : line).strip();
        if (content.isEmpty())
        {
            return;
        }

        // "a = b" and "a=b" read the same: one token per key=value, whatever the spacing.
        final String[] tokens = WHITESPACE.split(AROUND_EQUALS.matcher(content).replaceAll("="));
        switch (tokens[0])
        {
            case "profile":
                parseProfile(tokens, lineNumber);
                break;

            case "regions":
                parseRegions(tokens, lineNumber);
                break;

            case "alias":
                parseAlias(tokens, lineNumber);
                break;

            case "pair":
                parsePair(tokens, lineNumber);
                break;

            case "default":
                parseDefault(tokens, lineNumber);
                break;

            default:
                throw error(lineNumber, "malformed line " + quote(content) +
                    ": expected a line starting with profile, regions, alias, pair or default");
        }
    }

    private void parseProfile(final String[] tokens, final int lineNumber) throws WanProfileException
    {
        if (tokens.length != 2 || tokens[1].indexOf('=') >= 0)
        {
            throw malformed(tokens, lineNumber, PROFILE_SYNTAX);
        }
        if (null != name)
        {
            throw error(lineNumber, "second profile line (the profile is already named " + quote(name) + " on line " +
                nameLineNumber + ")");
        }
        if (!isValidName(tokens[1]))
        {
            throw error(lineNumber, "invalid profile name " + quote(tokens[1]) + ": " + NAME_RULE);
        }

        name = tokens[1];
        nameLineNumber = lineNumber;
    }

    private void parseRegions(final String[] tokens, final int lineNumber) throws WanProfileException
    {
        if (tokens.length < 2)
        {
            throw error(lineNumber, "empty region list: expected '" + REGIONS_SYNTAX + "'");
        }

        for (int i = 1; i < tokens.length; i++)
        {
            final String region = tokens[i];
            if (region.indexOf('=') >= 0)
            {
                throw malformed(tokens, lineNumber, REGIONS_SYNTAX);
            }
            checkNewName("region", region, lineNumber);
            if (regions.size() == WanProfile.MAX_REGIONS)
            {
                throw error(lineNumber, "too many regions: " + quote(region) + " would be region " +
                    (WanProfile.MAX_REGIONS + 1) + ", the limit is " + WanProfile.MAX_REGIONS);
            }

            regionIndexByName.put(region, regions.size());
            regions.add(region);
            declaredLineByName.put(region, lineNumber);
        }
    }

    private void parseAlias(final String[] tokens, final int lineNumber) throws WanProfileException
    {
        final int equals = tokens.length == 2 ? tokens[1].indexOf('=') : -1;
        if (equals <= 0 || equals == tokens[1].length() - 1 || tokens[1].indexOf('=', equals + 1) >= 0)
        {
            throw malformed(tokens, lineNumber, ALIAS_SYNTAX);
        }

        final String alias = tokens[1].substring(0, equals);
        final String region = tokens[1].substring(equals + 1);
        checkNewName("alias", alias, lineNumber);
        if (!regionIndexByName.containsKey(region))
        {
            final String what = aliases.containsKey(region) ?
                "names the alias " + quote(region) + ", not a region" :
                "names unknown region " + quote(region);
            throw error(lineNumber, "alias " + quote(alias) + " " + what + " (declared regions: " +
                describeRegions(regions, aliases) + ")");
        }

        aliases.put(alias, region);
        declaredLineByName.put(alias, lineNumber);
    }

    private void parsePair(final String[] tokens, final int lineNumber) throws WanProfileException
    {
        if (tokens.length < 3 || tokens[1].indexOf('=') >= 0 || tokens[2].indexOf('=') >= 0)
        {
            throw malformed(tokens, lineNumber, PAIR_SYNTAX);
        }

        final int a = lookUpRegion(tokens[1], lineNumber);
        final int b = lookUpRegion(tokens[2], lineNumber);
        if (a == b)
        {
            throw error(lineNumber, "pair of region " + quote(regions.get(a)) + " with itself: a pair line links " +
                "two different regions (a region to itself is local, not a WAN link)");
        }

        final int key = Math.min(a, b) * WanProfile.MAX_REGIONS + Math.max(a, b);
        final Link earlier = linkByPair.get(key);
        if (null != earlier)
        {
            throw error(lineNumber, "duplicate pair " + regions.get(a) + " " + regions.get(b) +
                " (first given on line " + earlier.lineNumber() + ")");
        }

        linkByPair.put(key, parseLink(tokens, 3, lineNumber, PAIR_SYNTAX));
    }

    private void parseDefault(final String[] tokens, final int lineNumber) throws WanProfileException
    {
        if (null != defaultLink)
        {
            throw error(lineNumber, "second default line (the first is line " + defaultLink.lineNumber() + ")");
        }

        defaultLink = parseLink(tokens, 1, lineNumber, DEFAULT_SYNTAX);
    }

    private Link parseLink(final String[] tokens, final int first, final int lineNumber, final String syntax)
        throws WanProfileException
    {
        double rttMs = Double.NaN;
        double jitterMs = Double.NaN;
        double lossProbability = Double.NaN;
        for (int i = first; i < tokens.length; i++)
        {
            final String token = tokens[i];
            final int equals = token.indexOf('=');
            if (equals <= 0 || equals == token.length() - 1 || token.indexOf('=', equals + 1) >= 0)
            {
                throw error(lineNumber, "malformed attribute " + quote(token) + ": expected '" + syntax + "'");
            }

            final String key = token.substring(0, equals);
            final String value = token.substring(equals + 1);
            switch (key)
            {
                case "rttMs":
                    checkFirst(key, rttMs, lineNumber);
                    rttMs = parseDelayMs(key, value, lineNumber);
                    break;

                case "jitterMs":
                    checkFirst(key, jitterMs, lineNumber);
                    jitterMs = parseDelayMs(key, value, lineNumber);
                    break;

                case "loss":
                    checkFirst(key, lossProbability, lineNumber);
                    lossProbability = parseProbability(key, value, lineNumber);
                    break;

                default:
                    throw error(lineNumber, "unknown attribute " + quote(key) + " in " + quote(token) +
                        ": expected rttMs, jitterMs or loss");
            }
        }

        if (Double.isNaN(rttMs))
        {
            throw error(lineNumber, "missing rttMs=<ms>: expected '" + syntax + "'");
        }
        if (Double.isNaN(jitterMs))
        {
            throw error(lineNumber, "missing jitterMs=<ms>: expected '" + syntax + "'");
        }

        return new Link(rttMs, jitterMs, Double.isNaN(lossProbability) ? 0.0 : lossProbability, lineNumber);
    }

    private WanProfile build() throws WanProfileException
    {
        if (regions.isEmpty())
        {
            throw error(WanProfileException.NO_LINE, "empty region list: no line '" + REGIONS_SYNTAX + "'");
        }
        if (null == name)
        {
            throw error(WanProfileException.NO_LINE, "no profile name: no line '" + PROFILE_SYNTAX + "'");
        }

        final int n = regions.size();
        final double[] rttMs = new double[n * n];
        final double[] jitterMs = new double[n * n];
        final double[] lossProbability = new double[n * n];
        final ArrayList<String> missingPairs = new ArrayList<>();
        for (int a = 0; a < n; a++)
        {
            for (int b = a + 1; b < n; b++)
            {
                final Link pairLink = linkByPair.get(a * WanProfile.MAX_REGIONS + b);
                final Link link = null != pairLink ? pairLink : defaultLink;
                if (null == link)
                {
                    missingPairs.add(regions.get(a) + " " + regions.get(b));
                    continue;
                }

                rttMs[a * n + b] = link.rttMs();
                rttMs[b * n + a] = link.rttMs();
                jitterMs[a * n + b] = link.jitterMs();
                jitterMs[b * n + a] = link.jitterMs();
                lossProbability[a * n + b] = link.lossProbability();
                lossProbability[b * n + a] = link.lossProbability();
            }
        }

        if (!missingPairs.isEmpty())
        {
            final int shown = Math.min(missingPairs.size(), MISSING_PAIRS_SHOWN_MAX);
            final String more = missingPairs.size() > shown ? " and " + (missingPairs.size() - shown) + " more" : "";
            throw error(WanProfileException.NO_LINE, "missing pair " +
                String.join(", ", missingPairs.subList(0, shown)) + more +
                " with no default line: add '" + PAIR_SYNTAX + "' lines or a '" + DEFAULT_SYNTAX + "' line");
        }

        return new WanProfile(name, regions, aliases, rttMs, jitterMs, lossProbability);
    }

    private void checkNewName(final String kind, final String newName, final int lineNumber)
        throws WanProfileException
    {
        if (!isValidName(newName))
        {
            throw error(lineNumber, "invalid " + kind + " name " + quote(newName) + ": " + NAME_RULE);
        }

        final Integer declaredLine = declaredLineByName.get(newName);
        if (null != declaredLine)
        {
            final String earlierKind = aliases.containsKey(newName) ? "an alias" : "a region";
            throw error(lineNumber, "duplicate " + kind + " " + quote(newName) + " (already declared as " +
                earlierKind + " on line " + declaredLine + ")");
        }
    }

    private int lookUpRegion(final String regionOrAlias, final int lineNumber) throws WanProfileException
    {
        final String region = aliases.getOrDefault(regionOrAlias, regionOrAlias);
        final Integer index = regionIndexByName.get(region);
        if (null == index)
        {
            throw error(lineNumber, "unknown region " + quote(regionOrAlias) + " in pair line (declared so far: " +
                describeRegions(regions, aliases) + ")");
        }

        return index;
    }

    private void checkFirst(final String key, final double valueSoFar, final int lineNumber)
        throws WanProfileException
    {
        if (!Double.isNaN(valueSoFar))
        {
            throw error(lineNumber, "duplicate attribute " + key + " on one line");
        }
    }

    private double parseDelayMs(final String key, final String value, final int lineNumber)
        throws WanProfileException
    {
        final double delayMs = parseNumber(key, value, lineNumber);
        if (delayMs < 0.0)
        {
            throw error(lineNumber, key + " must not be negative: " + quote(value));
        }
        if (delayMs > MAX_DELAY_MS)
        {
            throw error(lineNumber, key + " is larger than the limit of " + MAX_DELAY_MS + " ms: " + quote(value));
        }

        return delayMs + 0.0; // -0.0 becomes 0.0
    }

    private double parseProbability(final String key, final String value, final int lineNumber)
        throws WanProfileException
    {
        final double probability = parseNumber(key, value, lineNumber);
        if (!(probability >= 0.0 && probability <= 1.0))
        {
            throw error(lineNumber, key + " must be a probability within [0, 1]: " + quote(value));
        }

        return probability + 0.0; // -0.0 becomes 0.0
    }

    /** Decimal numbers only: Double.parseDouble would also take "NaN", "Infinity", "1d" and hex. */
    private double parseNumber(final String key, final String value, final int lineNumber)
        throws WanProfileException
    {
        if (!NUMBER.matcher(value).matches())
        {
            throw error(lineNumber, key + " is not a number: " + quote(value));
        }

        final double number = Double.parseDouble(value);
        if (Double.isInfinite(number))
        {
            throw error(lineNumber, key + " is out of range: " + quote(value));
        }

        return number;
    }

    /** "us-west-1 (CA), us-east-1 (VA)", or "none" when there are no regions yet; for error messages. */
    static String describeRegions(final List<String> regions, final Map<String, String> aliases)
    {
        if (regions.isEmpty())
        {
            return "none";
        }

        final StringBuilder builder = new StringBuilder();
        for (final String region : regions)
        {
            if (builder.length() > 0)
            {
                builder.append(", ");
            }
            builder.append(region);
            for (final Map.Entry<String, String> alias : aliases.entrySet())
            {
                if (alias.getValue().equals(region))
                {
                    builder.append(" (").append(alias.getKey()).append(')');
                }
            }
        }

        return builder.toString();
    }

    private WanProfileException malformed(final String[] tokens, final int lineNumber, final String syntax)
    {
        return error(lineNumber, "malformed " + tokens[0] + " line " + quote(String.join(" ", tokens)) +
            ": expected '" + syntax + "'");
    }

    private WanProfileException error(final int lineNumber, final String detail)
    {
        return new WanProfileException(source, lineNumber, detail);
    }

    private static String quote(final String value)
    {
        final String shown = value.length() > QUOTE_LENGTH_MAX ? value.substring(0, QUOTE_LENGTH_MAX) + "..." : value;
        return "'" + shown + "'";
    }
}
