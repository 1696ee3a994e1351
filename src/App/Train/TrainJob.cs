using System.Globalization;
using LlamaJump.App;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.App.Train;

/// <summary>What <see cref="TrainJob.Execute"/> did, for the report.</summary>
public sealed record TrainOutcome(JumpTrainingOutcome Result, string OutPath, long FileBytes, int Threads, double TotalSeconds, long? PeakBytes,
    TorchDevice Device);

/// <summary><c>llamajump train</c>'s work: pick the torch device (an explicit cuda that cannot be had is refused before
/// anything else), open the dump, train and score on its train split there, write the jump file.</summary>
public sealed class TrainJob(TrainOptions options) : IJob<TrainOutcome>
{
    /// <summary>Below this many input floats per step (exit levels × batch × n_embd) training uses one thread unless
    /// --threads says otherwise.</summary>
    public const long SmallStepFloats = 4L << 20;

    public TrainOutcome Execute(JobContext context, CancellationToken cancel)
    {
        var log = context.Log;
        var cancellation = cancel;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var device = TorchRuntime.ResolveDevice(options.Device);
        string outPath = Path.GetFullPath(options.Out);
        string? outDirectory = Path.GetDirectoryName(outPath);
        if (outDirectory is not null && !Directory.Exists(outDirectory))
            throw new UserInputException($"{outDirectory} does not exist (the directory of --out)");

        // a second train into the same --out waits for nothing: it is refused while this one holds <out>.lock
        using var outputLock = OutputLock.ForOutput(outPath);
        using var dump = DumpReader.Open(options.Dump);
        var manifest = dump.Manifest;
        if (manifest.Identity.Shard is { } shard)
            throw new UserInputException($"{options.Dump} is shard {shard} of a dump; join the shards with llamajump dump-merge and train on the merged dump");
        var split = dump.Split(DumpSplit.Train);
        var model = manifest.Identity.Model;
        if (model.NLayer < 2)
            throw new UserInputException($"{options.Dump}: the model has {model.NLayer} block(s); a jump needs an exit level before the last block");
        int rank = options.Rank ?? JumpRank.Default(model.NEmbd);
        if (rank >= model.NEmbd)
            throw new UserInputException($"--rank {rank} is not below n_embd {model.NEmbd} of {model.File}: a jump is low-rank");

        // A step of a small model is microseconds of work per operation, less than what synchronising libtorch's
        // threads costs: measured on stories260K (2 cores), one thread trained as fast as two on an idle machine
        // and 3–8× faster when the cores were shared with other work. Large models use every core.
        long stepFloats = (long)(model.NLayer - 1) * options.BatchSize * model.NEmbd;
        bool tiny = options.Threads is null && stepFloats < SmallStepFloats;
        int threads = TorchRuntime.ConfigureThreads(tiny ? 1 : options.Threads);
        log.WriteLine($"train: {options.Dump}: {model.File} ({model.Architecture}, {model.NLayer} blocks, n_embd {model.NEmbd}), {split.Count} train samples ({split.Dtype.LowerName()})");
        string rankNote = options.Rank is not null ? "--rank" : JumpRank.Explain(model.NEmbd);
        log.WriteLine($"train: torch: {device}");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: rank {rank} ({rankNote}); {model.NLayer - 1} exit levels{(options.Joint ? " + the joint jump" : "")}; strategy {options.Strategy.Name()}; {options.Epochs} epochs max, batch {options.BatchSize}, lr {options.LearningRate:G}, patience {options.Patience}, validation {options.ValidationFraction:P0}, seed {options.Seed}; {threads} thread{(threads == 1 ? "" : "s")}{(tiny ? " (a small model: one thread is faster; --threads to override)" : "")}"));

        var identity = new JumpIdentity(model.Sha256, model.Architecture, model.NLayer, model.NEmbd, model.File,
            manifest.Identity.Corpus.Sha256, manifest.Identity.Seed, split.Count);
        var rows = new DumpJumpRows(split, options.Dump);
        var result = JumpTraining.Run(rows, identity, options.ToTrainingOptions() with { Rank = rank, Device = device }, new TrainLog(log), cancellation);

        if (options.OjfaOnly)
            JumpFile.WriteOjfaOnly(outPath, result.Set);
        else
            JumpFile.Write(outPath, result.Set);
        // generate and chat find a model's jumps by its sha256 in the cache without --jumps
        if (JumpLocator.Remember(result.Set) is { } cached)
            log.WriteLine($"train: the OJFA jump is also kept at {cached} (found there by generate and chat)");
        return new TrainOutcome(result, outPath, new FileInfo(outPath).Length, threads, clock.Elapsed.TotalSeconds, PeakMemory.Bytes(), device);
    }
}
