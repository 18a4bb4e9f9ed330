package io.geo.wan.relay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text control protocol over the relay's TCP control socket. */
@Timeout(60)
class ControlProtocolTest
{
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path tempDir;

    private RelayHarness harness;

    @BeforeEach
    void startRelay() throws Exception
    {
        harness = RelayHarness.start(tempDir, "us-east-1 eu-west-1 ap-northeast-1",
            new String[] {"alias VA = us-east-1", "pair us-east-1 eu-west-1 rttMs=70 jitterMs=2",
                "default rttMs=150 jitterMs=0 loss=0.001"});
    }

    @AfterEach
    void stopRelay()
    {
        harness.close();
    }

    @Test
    void shouldReportStatusOfEveryLink() throws Exception
    {
        final List<String> reply = send("status");

        assertEquals(8, reply.size(), String.join("\n", reply));
        assertTrue(reply.get(0).startsWith("relay profile=test config=test.relay control=127.0.0.1:" +
            harness.relay.controlAddress().getPort() + " queued=0/8192 queuedBytes=0/8388608 fifo=on seed=1"),
            reply.get(0));
        final int port = harness.relay.listenAddress("us-east-1", "eu-west-1").getPort();
        final int endpointPort = harness.endpoint("eu-west-1").getLocalPort();
        assertEquals("link us-east-1 -> eu-west-1 listen=127.0.0.1:" + port + " endpoint=127.0.0.1:" + endpointPort +
            " state=up delayMs=35 jitterMs=1.414214 loss=0 senders=0 received=0 forwarded=0 bytes=0 droppedLoss=0 " +
            "droppedCut=0 droppedOverload=0", reply.get(1));
        assertTrue(reply.get(2).contains("link us-east-1 -> ap-northeast-1 ") && reply.get(2).contains(" loss=0.001 "),
            reply.get(2));
        assertEquals("ok 6 links", reply.get(7));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "cut us-east-1 eu-west-1            | ok cut us-east-1 -> eu-west-1",
        "cut VA eu-west-1 both              | ok cut us-east-1 <-> eu-west-1",
        "heal us-east-1 eu-west-1 both      | ok healed us-east-1 <-> eu-west-1",
        "cut-region eu-west-1               | ok cut region eu-west-1: 4 links to and from it",
        "heal-region eu-west-1              | ok healed region eu-west-1: 4 links to and from it",
        "heal-all                           | ok healed all 6 links",
        "set-delay VA eu-west-1 80          | ok us-east-1 -> eu-west-1 delayMs=80 jitterMs=1.414214 loss=0",
        "set-delay VA eu-west-1 80 jitter 2 loss 0.01 both | ok us-east-1 -> eu-west-1 delayMs=80 jitterMs=2 " +
            "loss=0.01; eu-west-1 -> us-east-1 delayMs=80 jitterMs=2 loss=0.01",
        "set-delay VA eu-west-1 1 jitter 5  | ok us-east-1 -> eu-west-1 delayMs=1 jitterMs=1 loss=0",
        "cut us-east-1 eu-wset-1            | error unknown region 'eu-wset-1' in WAN profile 'test' (known: " +
            "us-east-1 (VA), eu-west-1, ap-northeast-1)",
        "cut-region mars                    | error unknown region 'mars' in WAN profile 'test' (known: " +
            "us-east-1 (VA), eu-west-1, ap-northeast-1)",
        "cut us-east-1 VA                   | error no link from region us-east-1 to itself: give two different " +
            "regions",
        "cut us-east-1                      | error usage: cut <from region> <to region> [both]",
        "cut us-east-1 eu-west-1 twice      | error usage: cut <from region> <to region> [both]",
        "heal-all now                       | error usage: heal-all",
        "frobnicate                         | error unknown command 'frobnicate' (commands: cut, heal, cut-region, " +
            "heal-region, heal-all, set-delay, status, help)",
        "set-delay VA eu-west-1 fast        | error delay is not a number: 'fast'",
        "set-delay VA eu-west-1 -5          | error delay must be within [0, 60000]: '-5'",
        "set-delay VA eu-west-1 5 loss 2    | error loss must be within [0, 1]: '2'",
        "set-delay VA eu-west-1 5 jitter    | error usage: set-delay <from region> <to region> <delay ms> " +
            "[jitter <ms>] [loss <0..1>] [both]",
        "set-delay VA eu-west-1 5 speed 3   | error unexpected 'speed': usage: set-delay <from region> " +
            "<to region> <delay ms> [jitter <ms>] [loss <0..1>] [both]"})
    void shouldAnswerEachCommandWithOneLine(final String command, final String expected) throws Exception
    {
        assertEquals(List.of(expected), send(command));
    }

    @Test
    void shouldApplyCommandsToTheLinks() throws Exception
    {
        send("cut-region ap-northeast-1");
        send("set-delay us-east-1 eu-west-1 12.5 jitter 0 loss 0.25");

        final List<LinkStatus> links = harness.relay.status().links();
        for (final LinkStatus link : links)
        {
            assertEquals(link.from().equals("ap-northeast-1") || link.to().equals("ap-northeast-1"), link.cut());
        }
        final LinkStatus changed = links.get(0);
        assertEquals("us-east-1", changed.from());
        assertEquals(12.5, changed.delayMs());
        assertEquals(0.0, changed.jitterMs());
        assertEquals(0.25, changed.lossProbability());
        assertEquals(35.0, links.get(2).delayMs(), "eu-west-1 -> us-east-1 unchanged");
    }

    @Test
    void shouldListCommandsOnHelp() throws Exception
    {
        final List<String> reply = send("help");

        assertEquals("ok 8 commands", reply.get(reply.size() - 1));
        assertTrue(reply.contains("usage cut-region <region>"), reply.toString());
    }

    @Test
    void shouldServeSeveralCommandsOnOneConnectionAndIgnoreBlankLines() throws Exception
    {
        try (Socket socket = new Socket(harness.relay.controlAddress().getAddress(),
            harness.relay.controlAddress().getPort()))
        {
            socket.setSoTimeout(TIMEOUT_MS);
            final OutputStream output = socket.getOutputStream();
            output.write("cut us-east-1 eu-west-1\r\n\n   \nheal-all\n".getBytes(StandardCharsets.US_ASCII));
            output.flush();
            final BufferedReader reader =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

            assertEquals("ok cut us-east-1 -> eu-west-1", reader.readLine());
            assertEquals("ok healed all 6 links", reader.readLine());
        }
    }

    @Test
    void shouldRejectAnOverlongLineAndClose() throws Exception
    {
        try (Socket socket = new Socket(harness.relay.controlAddress().getAddress(),
            harness.relay.controlAddress().getPort()))
        {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(new byte[ControlConnection.LINE_BYTES_MAX + 10]);
            final BufferedReader reader =
                new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

            assertEquals("error command line longer than 1024 bytes", reader.readLine());
            assertNull(reader.readLine(), "closed after the error");
        }
        assertEquals("ok 6 links", send("status").get(7), "the relay still serves others");
    }

    private List<String> send(final String command) throws Exception
    {
        return RelayControlClient.send(harness.relay.controlAddress(), command, TIMEOUT_MS);
    }
}
