package io.geo.epaxos.sim;

import io.geo.epaxos.check.BatchOp;
import io.geo.epaxos.check.CheckResult;
import io.geo.epaxos.check.History;
import io.geo.epaxos.check.HistoryEvent;
import io.geo.epaxos.check.LinearizabilityChecker;
import io.geo.epaxos.primitives.Command;
import io.geo.epaxos.primitives.Key;
import io.geo.epaxos.primitives.Op;
import io.geo.epaxos.primitives.OpType;
import io.geo.epaxos.primitives.Result;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulators' client workload and history: the next command of a client (keys by conflict rate or Zipf, reads,
 * writes, compare-and-sets, increments, deletes, two-key batches) and the history events of its invocation and
 * outcome, for the linearizability checker. Shared by the EPaxos simulator and the Hydra simulator; draws from the
 * workload random it is given, in a fixed order, so a seed replays exactly.
 */
public final class SimWorkload
{
    /** What the workload and the simulators keep per closed-loop client. */
    public static class ClientState
    {
        final int process;
        final int region;
        long requestNumber;
        long valueCounter;
        final HashMap<String, String> lastSeen = new HashMap<>();
        /** The current command, while it waits for its outcome; done once the client issued its last command. */
        Command command;
        boolean outstanding;
        boolean done;
        long invokeNs;

        public ClientState(final int process, final int region)
        {
            this.process = process;
            this.region = region;
        }

        public int process()
        {
            return process;
        }
    }

    private final SimConfig config;
    private final SplittableRandom workloadRandom;
    private final ZipfGenerator zipf;
    private final History history;
    private long nowNs;
    private String scope = "";

    public SimWorkload(final SimConfig config, final SplittableRandom workloadRandom, final History history)
    {
        this.config = config;
        this.workloadRandom = workloadRandom;
        this.zipf = new ZipfGenerator(config.zipfKeys, config.zipfSkew);
        this.history = history;
    }

    /** The time stamped on the history events that follow. */
    public SimWorkload at(final long nowNs)
    {
        this.nowNs = nowNs;
        return this;
    }

    String chooseKey(final ClientState client)
    {
        if (config.keyChoice == SimConfig.KeyChoice.ZIPF)
        {
            return scope + "z" + zipf.next(workloadRandom);
        }
        if (workloadRandom.nextInt(100) < config.conflictPercent)
        {
            return scope + "hot";
        }
        return privateKey(client);
    }

    String privateKey(final ClientState client)
    {
        return scope + "p" + client.process + "-" + workloadRandom.nextInt(3);
    }

    String otherKey(final ClientState client, final String key)
    {
        String other = privateKey(client);
        while (other.equals(key))
        {
            other = scope + "p" + client.process + "-x";
        }
        return other;
    }

    /**
     * The next command of {@code client} on keys named {@code scope + key} (the workload's usual keys under a prefix:
     * a regional keyspace's commands, for instance).
     */
    public Command nextCommand(final ClientState client, final String scope)
    {
        this.scope = scope;
        try
        {
            return nextCommand(client);
        }
        finally
        {
            this.scope = "";
        }
    }

    public Command nextCommand(final ClientState client)
    {
        final long requestNumber = ++client.requestNumber;
        final String key = chooseKey(client);
        final int roll = workloadRandom.nextInt(100);
        if (roll < config.readPercent)
        {
            if (workloadRandom.nextInt(10) == 0)
            {
                return Command.of(client.process, requestNumber, Op.get(key(key)), Op.get(key(otherKey(client, key))));
            }
            return Command.of(client.process, requestNumber, Op.get(key(key)));
        }
        final int kind = workloadRandom.nextInt(100);
        if (kind < 40)
        {
            return Command.of(client.process, requestNumber, Op.put(key(key), bytes(newValue(client))));
        }
        if (kind < 60)
        {
            final String expected = client.lastSeen.get(key);
            return Command.of(client.process, requestNumber,
                Op.cas(key(key), expected == null ? null : bytes(expected), bytes(newValue(client))));
        }
        if (kind < 80)
        {
            return Command.of(client.process, requestNumber, Op.incr(key(key), 1 + workloadRandom.nextInt(5)));
        }
        if (kind < 85)
        {
            return Command.of(client.process, requestNumber, Op.delete(key(key)));
        }
        final String other = otherKey(client, key);
        if (workloadRandom.nextBoolean())
        {
            return Command.of(client.process, requestNumber,
                Op.put(key(key), bytes(newValue(client))), Op.incr(key(other), 1));
        }
        return Command.of(client.process, requestNumber, Op.incr(key(key), 1), Op.get(key(other)));
    }

    String newValue(final ClientState client)
    {
        return Long.toString(client.process * 1_000_000_000L + ++client.valueCounter);
    }

    static Key key(final String key)
    {
        return Key.of(key);
    }

    static byte[] bytes(final String value)
    {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String text(final byte[] value)
    {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------ history

    public void recordInvoke(final ClientState client, final Command command)
    {
        if (!config.recordHistory)
        {
            return;
        }
        if (command.opCount() > 1)
        {
            final List<BatchOp> ops = new ArrayList<>();
            for (int i = 0; i < command.opCount(); i++)
            {
                ops.add(batchOp(command.op(i), null));
            }
            history.add(HistoryEvent.invokeBatch(client.process, ops, nowNs));
            return;
        }
        final Op op = command.op(0);
        final String key = op.key().toString();
        switch (op.type())
        {
            case GET -> history.add(HistoryEvent.invokeRead(client.process, key, nowNs));
            case PUT -> history.add(HistoryEvent.invokeWrite(client.process, key, text(op.value()), nowNs));
            case DELETE -> history.add(HistoryEvent.invokeDelete(client.process, key, nowNs));
            case CAS -> history.add(
                HistoryEvent.invokeCas(client.process, key, text(op.expected()), text(op.value()), nowNs));
            case INCR -> history.add(HistoryEvent.invokeIncr(client.process, key, op.delta(), nowNs));
        }
    }

    BatchOp batchOp(final Op op, final Result result)
    {
        final String key = op.key().toString();
        return switch (op.type())
        {
            case GET -> result == null ? BatchOp.read(key) : BatchOp.readResult(key, text(result.value()));
            case PUT -> BatchOp.write(key, text(op.value()));
            case DELETE -> BatchOp.delete(key);
            case CAS -> result == null ? BatchOp.cas(key, text(op.expected()), text(op.value())) :
                BatchOp.casResult(key, text(op.expected()), text(op.value()), result.ok());
            case INCR -> result == null ? BatchOp.incr(key, op.delta()) :
                BatchOp.incrResult(key, Long.parseLong(text(result.value())));
        };
    }

    public void recordOk(final ClientState client, final Command command, final Result[] results)
    {
        for (int i = 0; i < command.opCount(); i++)
        {
            final Op op = command.op(i);
            final Result result = results[i];
            if (op.type() == OpType.GET || op.type() == OpType.CAS && !result.ok() || op.type() == OpType.INCR)
            {
                final String seen = text(result.value());
                if (seen == null)
                {
                    client.lastSeen.remove(op.key().toString());
                }
                else
                {
                    client.lastSeen.put(op.key().toString(), seen);
                }
            }
            else if (op.type() == OpType.PUT || op.type() == OpType.CAS)
            {
                client.lastSeen.put(op.key().toString(), text(op.value()));
            }
            else if (op.type() == OpType.DELETE)
            {
                client.lastSeen.remove(op.key().toString());
            }
        }
        if (!config.recordHistory)
        {
            return;
        }
        if (command.opCount() > 1)
        {
            final List<BatchOp> ops = new ArrayList<>();
            for (int i = 0; i < command.opCount(); i++)
            {
                ops.add(batchOp(command.op(i), results[i]));
            }
            history.add(HistoryEvent.okBatch(client.process, ops, nowNs));
            return;
        }
        final Op op = command.op(0);
        final Result result = results[0];
        final String key = op.key().toString();
        switch (op.type())
        {
            case GET -> history.add(HistoryEvent.okRead(client.process, key, text(result.value()), nowNs));
            case PUT -> history.add(HistoryEvent.okWrite(client.process, key, text(op.value()), nowNs));
            case DELETE -> history.add(HistoryEvent.okDelete(client.process, key, nowNs));
            case CAS -> history.add(result.ok() ?
                HistoryEvent.okCas(client.process, key, text(op.expected()), text(op.value()), nowNs) :
                HistoryEvent.fail(client.process, HistoryEvent.Function.CAS, key, nowNs));
            case INCR -> history.add(result.ok() ?
                HistoryEvent.okIncr(client.process, key, Long.parseLong(text(result.value())), nowNs) :
                HistoryEvent.fail(client.process, HistoryEvent.Function.INCR, key, nowNs));
        }
    }

    public void recordFail(final ClientState client, final Command command)
    {
        if (config.recordHistory)
        {
            history.add(command.opCount() > 1 ? HistoryEvent.failBatch(client.process, nowNs) :
                HistoryEvent.fail(client.process, function(command.op(0)), command.op(0).key().toString(), nowNs));
        }
    }

    public void recordInfo(final ClientState client, final Command command)
    {
        if (config.recordHistory)
        {
            history.add(command.opCount() > 1 ? HistoryEvent.infoBatch(client.process, nowNs) :
                HistoryEvent.info(client.process, function(command.op(0)), command.op(0).key().toString(), nowNs));
        }
    }

    public static HistoryEvent.Function function(final Op op)
    {
        return switch (op.type())
        {
            case GET -> HistoryEvent.Function.READ;
            case PUT -> HistoryEvent.Function.WRITE;
            case DELETE -> HistoryEvent.Function.DELETE;
            case CAS -> HistoryEvent.Function.CAS;
            case INCR -> HistoryEvent.Function.INCR;
        };
    }

    /**
     * Checks the history for linearizability when the configuration asks for it; a violation is added to
     * {@code violations}.
     *
     * @return true when the checker ran out of steps (the verdict is unknown).
     */
    static boolean checkHistory(final SimConfig config, final History history, final List<String> violations)
    {
        if (!config.recordHistory || !config.checkLinearizability)
        {
            return false;
        }
        final CheckResult check = LinearizabilityChecker.check(history, config.linearizabilityStepLimit);
        if (check.verdict() == CheckResult.Verdict.VIOLATION)
        {
            violations.add("linearizability: " + check.explanation());
        }
        return check.verdict() == CheckResult.Verdict.UNKNOWN;
    }
}
