package io.geo.epaxos.check;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;

import static io.geo.epaxos.check.HistoryEvent.Function.CAS;
import static io.geo.epaxos.check.HistoryEvent.Function.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryJsonLinesTest
{
    private static final String AWKWARD = "q\"uote b\\ack /slash nl\n cr\r tab\t bs\b ff\f ctl\u0001\u001f del\u007f " +
        "é ü 漢字 \uD83D\uDE00 ls\u2028 ps\u2029 lone\uD800 lone\uDC00 end";

    @Test
    void shouldRoundTripEveryEventShape() throws IOException
    {
        final History history = new History()
            .add(HistoryEvent.invokeWrite(1, "x", "a", 0))
            .add(HistoryEvent.invokeRead(2, "x", 0))
            .add(HistoryEvent.okWrite(1, "x", "a", 3))
            .add(HistoryEvent.okRead(2, "x", null, 4))
            .add(HistoryEvent.invokeCas(1, "x", null, "b", 5))
            .add(HistoryEvent.fail(1, CAS, "x", 6))
            .add(HistoryEvent.invokeCas(1, "x", "a", "b", 7))
            .add(HistoryEvent.okCas(1, "x", "a", "b", 8))
            .add(HistoryEvent.invokeIncr(3, "n", -5, 9))
            .add(HistoryEvent.okIncr(3, "n", Long.MIN_VALUE, 10))
            .add(HistoryEvent.invokeDelete(Long.MAX_VALUE, "x", 11))
            .add(HistoryEvent.okDelete(Long.MAX_VALUE, "x", 12))
            .add(HistoryEvent.invokeWrite(4, AWKWARD, AWKWARD, 13))
            .add(HistoryEvent.info(4, WRITE, AWKWARD, 14))
            .add(HistoryEvent.invokeBatch(5, List.of(
                BatchOp.read("x"), BatchOp.write("y", "1"), BatchOp.delete("z"), BatchOp.cas("x", null, "c"),
                BatchOp.incr("n", 2)), 15))
            .add(HistoryEvent.okBatch(5, List.of(
                BatchOp.readResult("x", null), BatchOp.write("y", "1"), BatchOp.delete("z"),
                BatchOp.casResult("x", null, "c", false), BatchOp.incrResult("n", 7)), 16))
            .add(HistoryEvent.invokeBatch(6, List.of(BatchOp.write(AWKWARD, AWKWARD)), 17))
            .add(HistoryEvent.infoBatch(6, 18))
            .add(HistoryEvent.invokeBatch(6, List.of(BatchOp.write("y", "2")), 19))
            .add(HistoryEvent.batch(6, HistoryEvent.Type.FAIL, List.of(BatchOp.write("y", "2")), 20))
            .add(HistoryEvent.invokeRead(7, "never completes", Long.MAX_VALUE));

        final String text = write(history);
        final History readBack = History.readJsonLines(new StringReader(text));

        assertEquals(history.events(), readBack.events());
        assertEquals(history, readBack);
        assertEquals(text, write(readBack));
        assertEquals(history.size(), text.split("\n", -1).length - 1);
    }

    @Test
    void shouldWriteTheDocumentedFormat() throws IOException
    {
        final History history = new History()
            .add(HistoryEvent.invokeWrite(1, "x", "a", 5))
            .add(HistoryEvent.okWrite(1, "x", "a", 7))
            .add(HistoryEvent.invokeIncr(2, "n", -3, 8))
            .add(HistoryEvent.okIncr(2, "n", 4, 9))
            .add(HistoryEvent.invokeBatch(3, List.of(BatchOp.read("x"), BatchOp.cas("x", null, "b")), 10))
            .add(HistoryEvent.okBatch(
                3, List.of(BatchOp.readResult("x", "a"), BatchOp.casResult("x", null, "b", false)), 11));

        assertEquals(
            "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":\"a\"," +
            "\"expected\":null,\"time\":5}\n" +
            "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"x\",\"value\":\"a\"," +
            "\"expected\":null,\"time\":7}\n" +
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"incr\",\"key\":\"n\",\"value\":-3," +
            "\"expected\":null,\"time\":8}\n" +
            "{\"process\":2,\"type\":\"ok\",\"f\":\"incr\",\"key\":\"n\",\"value\":4," +
            "\"expected\":null,\"time\":9}\n" +
            "{\"process\":3,\"type\":\"invoke\",\"f\":\"batch\",\"ops\":[" +
            "{\"f\":\"read\",\"key\":\"x\",\"value\":null,\"expected\":null}," +
            "{\"f\":\"cas\",\"key\":\"x\",\"value\":\"b\",\"expected\":null}],\"time\":10}\n" +
            "{\"process\":3,\"type\":\"ok\",\"f\":\"batch\",\"ops\":[" +
            "{\"f\":\"read\",\"key\":\"x\",\"value\":\"a\",\"expected\":null}," +
            "{\"f\":\"cas\",\"key\":\"x\",\"value\":\"b\",\"expected\":null,\"ok\":false}],\"time\":11}\n",
            write(history));
    }

    @Test
    void shouldEscapeQuotesBackslashesControlCharactersAndLoneSurrogates() throws IOException
    {
        final History history = new History().add(HistoryEvent.invokeWrite(1, AWKWARD, AWKWARD, 0));

        final String text = write(history);

        final String expectedString = "\"q\\\"uote b\\\\ack /slash nl\\n cr\\r tab\\t bs\\b ff\\f ctl\\u0001\\u001f " +
            "del\u007f é ü 漢字 \uD83D\uDE00 ls\\u2028 ps\\u2029 lone\\ud800 lone\\udc00 end\"";
        assertEquals("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":" + expectedString +
            ",\"value\":" + expectedString + ",\"expected\":null,\"time\":0}\n", text);
        assertEquals(1, text.split("\n").length, "only the terminator may be a raw line break");
        assertEquals(history, History.readJsonLines(new StringReader(text)));
    }

    @Test
    void shouldReadHandWrittenLines() throws IOException
    {
        final String text =
            "\n" +
            "  { \"time\" : 1 , \"f\":\"write\", \"process\":1, \"type\":\"invoke\", \"key\":\"k\\u00e9\\/\"," +
            " \"value\":\"v\", \"extra\": {\"nested\": [1, 2.5e3, {\"a\": [true, false, null]}, \"s]\"]} }\n" +
            "\t\n" +
            "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"ké/\",\"time\":2,\"note\":\"ignored\"}\r\n" +
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"n\",\"time\":3}\n" +
            "{\"process\":2,\"type\":\"ok\",\"f\":\"read\",\"key\":\"n\",\"value\":42,\"time\":4}\n" +
            "{\"process\":3,\"type\":\"invoke\",\"f\":\"incr\",\"key\":\"n\",\"value\":\"+7\",\"time\":5}\n" +
            "{\"process\":3,\"type\":\"info\",\"f\":\"incr\",\"key\":\"n\",\"time\":6}\n";

        final History history = History.readJsonLines(new StringReader(text));

        assertEquals(6, history.size());
        final HistoryEvent first = history.events().get(0);
        assertEquals("ké/", first.key());
        assertEquals("v", first.value());
        assertNull(first.expected());
        assertEquals(HistoryEvent.Type.INVOKE, first.type());
        assertEquals("42", history.events().get(3).value());
        assertEquals("7", history.events().get(4).value(), "incr values are made canonical");
        assertTrue(history.events().get(1).ops().isEmpty());
    }

    @Test
    void shouldNameTheLineOfAParseError()
    {
        final String valid = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"time\":1}\n" +
            "\n" +
            "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"value\":null,\"time\":2}\n";
        final String[] badLines = {
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"time\":3",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\"}",
            "{\"process\":2,\"type\":\"invoked\",\"f\":\"read\",\"key\":\"x\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"scan\",\"key\":\"x\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x,\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"time\":3.5}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"time\":99999999999999999999}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"time\":3} trailing",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"\\x\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"\\u12\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"key\":\"y\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"incr\",\"key\":\"x\",\"value\":\"ten\",\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"batch\",\"ops\":[{\"f\":\"read\"}],\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"batch\",\"ops\":[],\"time\":3}",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"extra\":[1,}],\"time\":3}",
            "{\"process\":2,\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"time\":3}",
            "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"time\":0}",
            "[1,2,3]",
            "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\u0001\",\"time\":3}",
        };

        for (final String badLine : badLines)
        {
            final HistoryFormatException ex = assertThrows(
                HistoryFormatException.class,
                () -> History.readJsonLines(new StringReader(valid + badLine + "\n")),
                badLine);
            assertEquals(4, ex.lineNumber(), badLine);
            assertTrue(ex.getMessage().startsWith("line 4"), ex.getMessage());
        }
    }

    private static String write(final History history) throws IOException
    {
        final StringWriter writer = new StringWriter();
        history.writeJsonLines(writer);
        return writer.toString();
    }
}
