package io.geo.wan;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every validation error is one line naming the file, the line (where one line is at fault) and the bad value.
 */
class WanProfileValidationTest
{
    private static final String HEADER = "profile broken\nregions a b c\nalias X = a\n";

    @TempDir
    Path tempDir;

    static Stream<Arguments> invalidProfiles()
    {
        return Stream.of(
            arguments("unknown region in pair line",
                HEADER + "pair a nowhere rttMs=1 jitterMs=0.1\n", 4, "unknown region 'nowhere'"),
            arguments("unknown region lists the declared ones",
                HEADER + "pair a nowhere rttMs=1 jitterMs=0.1\n", 4, "a (X), b, c"),
            arguments("duplicate region",
                "profile broken\nregions a b\nregions c a\n", 3,
                "duplicate region 'a' (already declared as a region on line 2)"),
            arguments("alias clashing with a region",
                HEADER + "alias b = c\n", 4, "duplicate alias 'b'"),
            arguments("region clashing with an alias",
                HEADER + "regions X\n", 4, "duplicate region 'X' (already declared as an alias on line 3)"),
            arguments("alias of an unknown region",
                HEADER + "alias Y = d\n", 4, "alias 'Y' names unknown region 'd'"),
            arguments("alias of an alias",
                HEADER + "alias Y = X\n", 4, "names the alias 'X', not a region"),
            arguments("malformed alias",
                HEADER + "alias Y c\n", 4, "malformed alias line 'alias Y c'"),
            arguments("negative rtt",
                HEADER + "pair a b rttMs=-1 jitterMs=0.1\n", 4, "rttMs must not be negative: '-1'"),
            arguments("non-numeric rtt",
                HEADER + "pair a b rttMs=fast jitterMs=0.1\n", 4, "rttMs is not a number: 'fast'"),
            arguments("NaN rtt",
                HEADER + "pair a b rttMs=NaN jitterMs=0.1\n", 4, "rttMs is not a number: 'NaN'"),
            arguments("infinite rtt",
                HEADER + "pair a b rttMs=1e999 jitterMs=0.1\n", 4, "rttMs is out of range: '1e999'"),
            arguments("huge rtt",
                HEADER + "pair a b rttMs=1e6 jitterMs=0.1\n", 4, "rttMs is larger than the limit"),
            arguments("negative jitter",
                HEADER + "pair a b rttMs=1 jitterMs=-0.5\n", 4, "jitterMs must not be negative: '-0.5'"),
            arguments("non-numeric jitter",
                HEADER + "pair a b rttMs=1 jitterMs=0,5\n", 4, "jitterMs is not a number: '0,5'"),
            arguments("loss above one",
                HEADER + "pair a b rttMs=1 jitterMs=0.1 loss=1.5\n", 4,
                "loss must be a probability within [0, 1]: '1.5'"),
            arguments("negative loss",
                HEADER + "pair a b rttMs=1 jitterMs=0.1 loss=-0.1\n", 4, "within [0, 1]: '-0.1'"),
            arguments("loss as a percentage",
                HEADER + "pair a b rttMs=1 jitterMs=0.1 loss=1%\n", 4, "loss is not a number: '1%'"),
            arguments("missing rtt",
                HEADER + "pair a b jitterMs=0.1\n", 4, "missing rttMs=<ms>"),
            arguments("missing jitter",
                HEADER + "default rttMs=1\n", 4, "missing jitterMs=<ms>"),
            arguments("duplicate attribute",
                HEADER + "pair a b rttMs=1 rttMs=2 jitterMs=0.1\n", 4, "duplicate attribute rttMs"),
            arguments("unknown attribute",
                HEADER + "pair a b rtt=1 jitterMs=0.1\n", 4, "unknown attribute 'rtt'"),
            arguments("attribute without a value",
                HEADER + "pair a b jitterMs=0.1 rttMs=\n", 4, "malformed attribute 'rttMs='"),
            arguments("attribute whose value is missing mid-line",
                HEADER + "pair a b rttMs= jitterMs=0.1\n", 4, "malformed attribute 'rttMs=jitterMs=0.1'"),
            arguments("attribute without a key",
                HEADER + "pair a b 12 jitterMs=0.1\n", 4, "malformed attribute '12'"),
            arguments("pair without figures",
                HEADER + "pair a b\n", 4, "missing rttMs=<ms>"),
            arguments("pair with one region",
                HEADER + "pair a rttMs=1 jitterMs=0.1\n", 4, "malformed pair line"),
            arguments("pair of a region with itself",
                HEADER + "pair a X rttMs=1 jitterMs=0.1\n", 4, "pair of region 'a' with itself"),
            arguments("duplicate pair",
                HEADER + "pair a b rttMs=1 jitterMs=0.1\npair b a rttMs=1 jitterMs=0.1\n", 5,
                "duplicate pair b a (first given on line 4)"),
            arguments("second default",
                HEADER + "default rttMs=1 jitterMs=0.1\ndefault rttMs=2 jitterMs=0.1\n", 5,
                "second default line (the first is line 4)"),
            arguments("region used before it is declared",
                "profile broken\npair a b rttMs=1 jitterMs=0.1\nregions a b\n", 2,
                "unknown region 'a' in pair line (declared so far: none)"),
            arguments("empty region list",
                "profile broken\nregions   # none yet\n", 2, "empty region list"),
            arguments("invalid region name",
                "profile broken\nregions a b/c\n", 2, "invalid region name 'b/c'"),
            arguments("malformed line",
                HEADER + "a b rttMs=1 jitterMs=0.1\n", 4, "malformed line 'a b rttMs=1 jitterMs=0.1'"),
            arguments("malformed keyword",
                HEADER + "pairs a b rttMs=1 jitterMs=0.1\n", 4, "expected a line starting with profile"),
            arguments("malformed profile line",
                "profile two words\nregions a\n", 1, "malformed profile line 'profile two words'"),
            arguments("second profile line",
                "profile one\nprofile two\nregions a\n", 2, "second profile line"),
            arguments("invalid profile name",
                "profile -x\nregions a\n", 1, "invalid profile name '-x'"),
            arguments("line too long",
                "profile long\n# " + "x".repeat(WanProfileParser.MAX_LINE_LENGTH) + "\n", 2, "longer than the limit"));
    }

    static Stream<Arguments> invalidWholeFiles()
    {
        return Stream.of(
            arguments("missing pair with no default",
                HEADER + "pair a b rttMs=1 jitterMs=0.1\npair a c rttMs=2 jitterMs=0.2\n",
                "missing pair b c with no default line"),
            arguments("several missing pairs with no default",
                HEADER, "missing pair a b, a c, b c with no default line"),
            arguments("no regions at all",
                "profile broken\n", "empty region list: no line 'regions <region> [<region> ...]'"),
            arguments("empty file",
                "", "empty region list"),
            arguments("no profile name",
                "regions a b\n" + "default rttMs=1 jitterMs=0.1\n", "no profile name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProfiles")
    void shouldRejectWithFileLineAndValue(
        final String caseName, final String content, final int expectedLine, final String expectedDetail)
        throws Exception
    {
        final Path file = write(content);
        final WanProfileException ex = assertThrows(WanProfileException.class, () -> WanProfile.load(file), caseName);

        final String message = ex.getMessage();
        assertTrue(message.startsWith(file + ":" + expectedLine + ": "), message);
        assertTrue(message.contains(expectedDetail), "expected '" + expectedDetail + "' in: " + message);
        assertFalse(message.contains("\n"), message);
        assertEquals(file.toString(), ex.file());
        assertEquals(expectedLine, ex.lineNumber());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidWholeFiles")
    void shouldRejectIncompleteFilesNamingTheFile(final String caseName, final String content, final String expected)
        throws Exception
    {
        final Path file = write(content);
        final WanProfileException ex = assertThrows(WanProfileException.class, () -> WanProfile.load(file), caseName);

        assertTrue(ex.getMessage().startsWith(file + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains(expected), "expected '" + expected + "' in: " + ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        assertEquals(WanProfileException.NO_LINE, ex.lineNumber());
    }

    @Test
    void shouldLimitTheNumberOfRegions() throws Exception
    {
        final StringBuilder content = new StringBuilder("profile big\nregions");
        for (int i = 0; i <= WanProfile.MAX_REGIONS; i++)
        {
            content.append(" r").append(i);
        }
        final Path file = write(content.append("\ndefault rttMs=1 jitterMs=0\n").toString());

        final WanProfileException ex = assertThrows(WanProfileException.class, () -> WanProfile.load(file));
        assertTrue(ex.getMessage().startsWith(file + ":2: too many regions: 'r64'"), ex.getMessage());
    }

    @Test
    void shouldRejectTextThatIsNotUtf8() throws Exception
    {
        final Path file = tempDir.resolve("latin1.wan");
        Files.write(file, "profile caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        final WanProfileException ex = assertThrows(WanProfileException.class, () -> WanProfile.load(file));
        assertEquals(file + ": not UTF-8 text", ex.getMessage());
    }

    @Test
    void shouldRejectADirectory()
    {
        final WanProfileException ex = assertThrows(WanProfileException.class, () -> WanProfile.load(tempDir));
        assertEquals(tempDir + ": is a directory, not a WAN profile file", ex.getMessage());
    }

    private Path write(final String content) throws Exception
    {
        final Path file = tempDir.resolve("broken.wan");
        Files.writeString(file, content);
        return file;
    }
}
