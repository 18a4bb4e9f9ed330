package io.geo.wan.relay;

import io.geo.wan.WanProfile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Relay configs: the shipped ones load; every validation error is one line naming the file, the line and the value. */
class RelayConfigTest
{
    /** A valid config on the shipped three-regions profile; line numbers matter to the error cases below. */
    private static final List<String> VALID = List.of(
        "profile three-regions",                 // 1
        "control 127.0.0.1:29100",               // 2
        "endpoint VA 127.0.0.1:1001",            // 3
        "endpoint EU 127.0.0.1:1002",            // 4
        "endpoint JP 127.0.0.1:1003",            // 5
        "link VA EU 127.0.0.1:2001",             // 6
        "link VA JP 127.0.0.1:2002",             // 7
        "link EU VA 127.0.0.1:2003",             // 8
        "link EU JP 127.0.0.1:2004",             // 9
        "link JP VA 127.0.0.1:2005",             // 10
        "link JP EU 127.0.0.1:2006");            // 11

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"three-regions", "epaxos-5", "lan"})
    void shouldLoadShippedConfigWithEveryLinkOnItsOwnFixedPort(final String name) throws Exception
    {
        final Path file = RelayTestConfig.configDir().resolve("relay").resolve(name + RelayConfig.FILE_EXTENSION);
        final RelayConfig config = RelayConfig.load(file, null);

        final WanProfile profile = config.profile();
        assertEquals(name, profile.name());
        assertTrue(config.controlAddress().getAddress().isLoopbackAddress());
        final HashSet<Integer> ports = new HashSet<>();
        ports.add(config.controlAddress().getPort());
        final int n = profile.regionCount();
        for (int region = 0; region < n; region++)
        {
            assertTrue(ports.add(config.endpoint(region).getPort()), "endpoint port used twice");
        }
        for (int from = 0; from < n; from++)
        {
            for (int to = 0; to < n; to++)
            {
                if (from != to)
                {
                    final InetSocketAddress listen = config.listenAddress(from, to);
                    assertTrue(ports.add(listen.getPort()), "link port used twice: " + listen);
                    assertTrue(listen.getAddress().isLoopbackAddress());
                }
            }
        }
        for (final int port : ports)
        {
            assertTrue(port >= 29_000 && port < 32_768, "port " + port + " outside the documented range");
        }
        assertEquals(RelayConfig.DEFAULT_QUEUED_DATAGRAMS, config.maxQueuedDatagrams());
        assertTrue(config.fifo());
    }

    @Test
    void shouldReadOptionalLinesAndAliases() throws Exception
    {
        final ArrayList<String> lines = new ArrayList<>(VALID);
        lines.add("seed 42   # a comment");
        lines.add("fifo off");
        lines.add("limits queuedDatagrams = 100 queuedBytes=65536 sendersPerLink=8 senderIdleMs=5000");
        final RelayConfig config = load(lines);

        assertEquals(42, config.seed());
        assertFalse(config.fifo());
        assertEquals(100, config.maxQueuedDatagrams());
        assertEquals(65_536, config.maxQueuedBytes());
        assertEquals(8, config.maxSendersPerLink());
        assertEquals(5_000, config.senderIdleMs());
        // JP is ap-northeast-1, region 2; EU is eu-west-1, region 1.
        assertEquals(2006, config.listenAddress(2, 1).getPort());
        assertEquals(1003, config.endpoint(2).getPort());
        assertEquals(10, config.linkLine(2, 0));
    }

    @Test
    void shouldResolveRelativeProfilePathAgainstTheConfigFolder() throws Exception
    {
        Files.writeString(tempDir.resolve("two.wan"), "profile two\nregions x y\npair x y rttMs=10 jitterMs=0\n");
        final Path file = tempDir.resolve("two.relay");
        Files.write(file, List.of("profile ./two.wan", "control 127.0.0.1:0", "endpoint x 127.0.0.1:1",
            "endpoint y 127.0.0.1:2", "link x y 127.0.0.1:0", "link y x 127.0.0.1:0"), StandardCharsets.UTF_8);

        final RelayConfig config = RelayConfig.load(file, null);

        assertEquals("two", config.profile().name());
        assertEquals(0, config.listenAddress(0, 1).getPort());
    }

    static Stream<Arguments> invalidConfigs()
    {
        return Stream.of(
            arguments("unknown region in endpoint", replace(5, "endpoint XX 127.0.0.1:1003"), 5,
                "unknown region 'XX' in WAN profile 'three-regions' (known: us-east-1 (VA), eu-west-1 (EU), " +
                "ap-northeast-1 (JP))"),
            arguments("unknown region in link", replace(6, "link VA eu-wset-1 127.0.0.1:2001"), 6,
                "unknown region 'eu-wset-1'"),
            arguments("malformed line", append("frobnicate 1"), 12, "malformed line 'frobnicate 1'"),
            arguments("malformed link", replace(6, "link VA EU"), 6,
                "malformed link line 'link VA EU': expected 'link <from region> <to region> <address>:<port>'"),
            arguments("bad port", replace(6, "link VA EU 127.0.0.1:70000"), 6,
                "bad port in '127.0.0.1:70000': 70000 is not within 0..65535"),
            arguments("port too long", replace(6, "link VA EU 127.0.0.1:291200"), 6,
                "bad port in '127.0.0.1:291200': 291200 is not within 0..65535"),
            arguments("host name", replace(6, "link VA EU localhost:2001"), 6,
                "bad address 'localhost:2001': expected <IPv4 address>:<port>"),
            arguments("no port", replace(6, "link VA EU 127.0.0.1"), 6, "bad address '127.0.0.1'"),
            arguments("bad octet", replace(6, "link VA EU 127.0.0.300:2001"), 6,
                "bad address '127.0.0.300:2001': 300 is not an IPv4 octet"),
            arguments("endpoint port 0", replace(4, "endpoint EU 127.0.0.1:0"), 4,
                "bad port in endpoint '127.0.0.1:0'"),
            arguments("duplicate link", append("link us-east-1 eu-west-1 127.0.0.1:2007"), 12,
                "duplicate link us-east-1 -> eu-west-1 (first given on line 6)"),
            arguments("duplicate endpoint", append("endpoint us-east-1 127.0.0.1:1009"), 12,
                "duplicate endpoint for region 'us-east-1' (first given on line 3)"),
            arguments("address used twice", replace(7, "link VA JP 127.0.0.1:1002"), 7,
                "address '127.0.0.1:1002' is already used on line 4"),
            arguments("link to itself", append("link VA us-east-1 127.0.0.1:2009"), 12,
                "link from region 'us-east-1' to itself"),
            arguments("missing link", remove(9), RelayConfigException.NO_LINE,
                "missing link eu-west-1 -> ap-northeast-1: add 'link <from region> <to region> <address>:<port>'"),
            arguments("missing endpoint", remove(4), RelayConfigException.NO_LINE,
                "missing endpoint for region eu-west-1"),
            arguments("unknown profile", replace(1, "profile nowhere"), 1,
                "unknown WAN profile 'nowhere': no file "),
            arguments("unknown profile lists the available ones", replace(1, "profile nowhere"), 1,
                "available: epaxos-5, lan, seven-regions, three-regions"),
            arguments("missing profile file", replace(1, "profile /nonexistent/x.wan"), 1,
                "WAN profile /nonexistent/x.wan: no such WAN profile file"),
            arguments("no profile line", remove(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), RelayConfigException.NO_LINE,
                "no WAN profile: no line 'profile <name or path to a .wan file>'"),
            arguments("endpoint before profile", swap(1, 3), 1,
                "endpoint line before the profile line"),
            arguments("second profile line", append("profile lan"), 12,
                "second profile line (the first is line 1)"),
            arguments("control not loopback", replace(2, "control 10.1.2.3:29100"), 2,
                "control address '10.1.2.3:29100' is not a loopback address"),
            arguments("missing control", remove(2), RelayConfigException.NO_LINE, "no control address"),
            arguments("second control line", append("control 127.0.0.1:29101"), 12, "second control line"),
            arguments("seed not a number", append("seed abc"), 12, "seed is not an integer: 'abc'"),
            arguments("fifo neither on nor off", append("fifo maybe"), 12, "fifo must be on or off: 'maybe'"),
            arguments("unknown limit", append("limits queueDatagrams=5"), 12,
                "unknown attribute 'queueDatagrams' in 'queueDatagrams=5'"),
            arguments("limit out of range", append("limits sendersPerLink=0"), 12,
                "sendersPerLink must be within [1, 1024]: '0'"),
            arguments("limit not a number", append("limits queuedBytes=lots"), 12,
                "queuedBytes is not an integer: 'lots'"),
            arguments("malformed limit", append("limits queuedBytes"), 12,
                "malformed attribute 'queuedBytes'"),
            arguments("more slots than bytes", append("limits queuedDatagrams=5000 queuedBytes=2048"), 12,
                "queuedDatagrams 5000 is more than queuedBytes 2048"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void shouldRejectInvalidConfigWithOneLineNamingFileLineAndValue(
        final String description, final UnaryOperator<List<String>> edit, final int line, final String detail)
        throws IOException
    {
        final Path file = write(edit.apply(VALID));

        final RelayConfigException ex = assertThrows(RelayConfigException.class,
            () -> RelayConfig.load(file, RelayTestConfig.configDir()));

        final String prefix = line > 0 ? file + ":" + line + ": " : file + ": ";
        assertTrue(ex.getMessage().startsWith(prefix), ex.getMessage());
        assertTrue(ex.getMessage().contains(detail), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        assertEquals(line, ex.lineNumber());
    }

    @Test
    void shouldNameTheProfileFileAndLineWhenTheProfileIsInvalid() throws IOException
    {
        final Path broken = tempDir.resolve("broken.wan");
        Files.writeString(broken, "profile broken\nregions a b\npair a b rttMs=-1 jitterMs=0\n");
        final ArrayList<String> lines = new ArrayList<>(VALID);
        lines.set(0, "profile " + broken);
        final Path file = write(lines);

        final RelayConfigException ex = assertThrows(RelayConfigException.class, () -> RelayConfig.load(file, null));

        assertEquals(file + ":1: WAN profile " + broken + ":3: rttMs must not be negative: '-1'",
            ex.getMessage());
    }

    @Test
    void shouldRejectMissingFile()
    {
        final Path file = tempDir.resolve("absent.relay");

        final RelayConfigException ex = assertThrows(RelayConfigException.class, () -> RelayConfig.load(file, null));

        assertEquals(file + ": no such relay config file", ex.getMessage());
    }

    private RelayConfig load(final List<String> lines) throws Exception
    {
        return RelayConfig.load(write(lines), RelayTestConfig.configDir());
    }

    private Path write(final List<String> lines) throws IOException
    {
        final Path file = tempDir.resolve("test.relay");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static UnaryOperator<List<String>> replace(final int line, final String text)
    {
        return lines ->
        {
            final ArrayList<String> copy = new ArrayList<>(lines);
            copy.set(line - 1, text);
            return copy;
        };
    }

    private static UnaryOperator<List<String>> append(final String text)
    {
        return lines ->
        {
            final ArrayList<String> copy = new ArrayList<>(lines);
            copy.add(text);
            return copy;
        };
    }

    /** Blank out lines, keeping the numbering of the rest. */
    private static UnaryOperator<List<String>> remove(final int... lineNumbers)
    {
        return lines ->
        {
            final ArrayList<String> copy = new ArrayList<>(lines);
            for (final int line : lineNumbers)
            {
                copy.set(line - 1, "# removed");
            }
            return copy;
        };
    }

    private static UnaryOperator<List<String>> swap(final int a, final int b)
    {
        return lines ->
        {
            final ArrayList<String> copy = new ArrayList<>(lines);
            copy.set(a - 1, lines.get(b - 1));
            copy.set(b - 1, lines.get(a - 1));
            return copy;
        };
    }
}
