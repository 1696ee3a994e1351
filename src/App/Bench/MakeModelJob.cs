using System.Diagnostics;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>What <c>bench make-model</c> did: the file, its size, the plan it holds, and whether an existing file of
/// the same plan was reused (<see cref="Seconds"/> is then 0) or one of another plan replaced.</summary>
public sealed record MakeModelResult(string Path, long FileBytes, RandomModelPlan Plan, bool Reused, bool Replaced, double Seconds);

/// <summary>
/// <c>llamajump bench make-model</c>: writes a random-weight model (any of
/// <see cref="RandomModelLayout.Architectures"/>, llama optionally with fused QKV; the paper's shapes with --preset)
/// around a real tokenizer, in F32/F16/BF16 or quantised by ggml's own quantisers, for speed benchmarks
/// where block compute must dominate and for the quantised weight paths users run. A file already at the output path is reused when it holds
/// the same plan (<see cref="RandomModelPlan.IsWrittenIn"/>), replaced when it is a random model of another plan,
/// and otherwise left alone with an error — the command never overwrites a model it did not make.
/// </summary>
public sealed class MakeModelJob(MakeModelOptions options) : IJob<MakeModelResult>
{
    /// <summary>Room left on the disk beyond the estimate: the header (tokenizer) and alignment padding.</summary>
    private const long HeaderSlackBytes = 16L << 20;

    public MakeModelResult Execute(JobContext context, CancellationToken cancel)
    {
        var log = context.Log;
        var spec = options.ToSpec();
        var weightType = options.WeightType();
        if (!File.Exists(options.Vocab))
            throw new UserInputException($"--vocab {options.Vocab}: no such file");
        var plan = RandomModelPlan.Create(spec, weightType, options.Vocab);
        string path = Path.GetFullPath(options.Out);
        if (Directory.Exists(path))
            throw new UserInputException($"--out {path} is a directory");

        bool replacing = false;
        if (File.Exists(path))
        {
            var existing = TryRead(path);
            if (existing is not null && plan.IsWrittenIn(existing))
            {
                log.WriteLine($"bench make-model: {path} already holds this model (same spec, seed, type and vocab); reusing it");
                return new MakeModelResult(path, existing.FileSize, plan, Reused: true, Replaced: false, Seconds: 0);
            }
            if (existing?.GetString(RandomModelPlan.IdentityKey) is null)
                throw new UserInputException($"{path} exists and is not a model made by bench make-model; remove it or choose another --out");
            log.WriteLine($"bench make-model: {path} holds a random model of another spec; replacing it");
            replacing = true;
        }

        string directory = Directory.CreateDirectory(Path.GetDirectoryName(path)!).FullName;
        EnsureRoom(directory, plan.DataBytes + HeaderSlackBytes);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench make-model: writing {plan.Name} ({plan.Tensors.Count} tensors, {plan.DataBytes / 1e6:0.0} MB) to {path}"));
        var progress = new ProgressReporter(log, "make-model", Math.Max(1, plan.DataBytes >> 20), "MiB");
        long written = 0;
        var clock = Stopwatch.StartNew();
        RandomModelBuilder.Write(plan, path, GgmlRowQuantizer.Instance, bytes =>
        {
            long before = written >> 20;
            written += bytes;
            progress.Advance((written >> 20) - before);
        }, cancel);
        progress.Finish();
        return new MakeModelResult(path, new FileInfo(path).Length, plan, Reused: false, Replaced: replacing, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The header of the file at <paramref name="path"/>, or null when it is no readable GGUF.</summary>
    private static GgufFile? TryRead(string path)
    {
        try
        {
            return GgufFile.Read(path);
        }
        catch (GgufFormatException)
        {
            return null;
        }
    }

    private static void EnsureRoom(string directory, long bytes)
    {
        long free = new DriveInfo(directory).AvailableFreeSpace;
        if (free < bytes)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"the model needs about {bytes / 1e9:0.00} GB but only {free / 1e9:0.00} GB is free in {directory}"));
        }
    }
}
