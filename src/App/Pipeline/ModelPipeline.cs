using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using LlamaJump.App;
using LlamaJump.App.Dump;
using LlamaJump.App.Eval;
using LlamaJump.App.Train;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Reports;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.App.Pipeline;

/// <summary>The corpus every model of a run is dumped from: its path, SHA-256 and the split counts after
/// --allow-fewer (read once per run).</summary>
public sealed record PipelineCorpus(string Path, string Sha256, int TrainCount, int TestCount);

/// <summary>
/// dump → train → eval → early-exit sweep for one model, into its <see cref="ModelLayout"/>, each step in-process
/// through the job the single verb runs (<see cref="DumpJob"/>, <see cref="TrainJob"/>, <see cref="EvalJob"/>,
/// <see cref="ExitSweepJob"/>). A step whose output is up to date (<see cref="PipelineFreshness"/>) is skipped unless
/// --force; a step that ran makes every later step run too. The dump resumes an interrupted dump of the same identity.
/// Failures propagate as exceptions (the caller turns them into one line and an exit code); the steps recorded so far
/// stay in <see cref="Steps"/>. Progress and logs go to the log writer.
/// </summary>
public sealed class ModelPipeline(PipelineOptions options, PipelineCorpus corpus, ModelResolver models, TextWriter log, CancellationToken cancel)
{
    /// <summary>What the pipeline's jobs get: its log, its model names.</summary>
    private readonly JobContext _jobs = new(TextWriter.Null, log, models);

    private readonly List<StepRecord> _steps = [];

    public IReadOnlyList<StepRecord> Steps => _steps;

    /// <summary>The dump's manifest once the dump step completed (ran or skipped).</summary>
    public DumpManifest? Manifest { get; private set; }

    public EvalReport? Results { get; private set; }
    public ExitSweep? Exit { get; private set; }

    /// <summary>Runs the steps for <paramref name="modelPath"/>; returns 0, or <see cref="ExitCodes.Interrupted"/>
    /// when cancelled (the interrupted step's resumable work is kept).</summary>
    public int Run(string modelPath, ModelLayout layout)
    {
        string name = ModelLayout.Stem(modelPath);
        var info = Step(name, PipelineSteps.Dump, null, () => Check(modelPath));
        Directory.CreateDirectory(layout.Directory);
        log.WriteLine($"pipeline: {name}: {info.FileName} ({info.Architecture}, {info.BlockCount} blocks, n_embd {info.EmbeddingLength}, {TextTable.Bytes(info.FileSizeBytes)}) → {layout.Directory}");
        string modelSha = ModelHash.Sha256(modelPath);
        bool redo = options.Force;

        // dump
        var expected = new DumpExpectation(modelSha, corpus.Sha256, options.Seed, corpus.TrainCount, corpus.TestCount);
        string? why = redo ? "--force" : PipelineFreshness.Dump(TryManifest(layout.Dump), expected);
        if (why is null)
        {
            Skip(name, PipelineSteps.Dump);
        }
        else
        {
            if (options.Force && Directory.Exists(layout.Dump))
                Directory.Delete(layout.Dump, recursive: true);
            var dumpOptions = new DumpOptions(modelPath, corpus.Path, layout.Dump, options.Train, options.Test, PositionPolicy.Random,
                options.Seed, TensorDtype.F16, Shard: null, options.AllowFewer, Force: true, Threads: options.Threads);
            var outcome = Step(name, PipelineSteps.Dump, why, () => new DumpJob(dumpOptions).Execute(_jobs, cancel));
            if (outcome.Interrupted)
                return Interrupted(PipelineSteps.Dump);
            redo = true;
        }
        using (var dump = DumpReader.Open(layout.Dump))
            Manifest = dump.Manifest;

        // train
        why = redo ? "the dump was made in this run" : PipelineFreshness.Jumps(TryJumps(layout.Jumps), Manifest);
        if (why is null)
        {
            Skip(name, PipelineSteps.Train);
        }
        else
        {
            var d = new JumpTrainingOptions();
            var trainOptions = new TrainOptions(layout.Dump, layout.Jumps, Rank: null, d.Epochs, d.BatchSize, d.LearningRate, options.Seed,
                d.Patience, d.ValidationFraction, d.Strategy, OjfaOnly: false, Joint: true, options.Threads, options.Device);
            try
            {
                Step(name, PipelineSteps.Train, why, () => new TrainJob(trainOptions).Execute(_jobs, cancel));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return Interrupted(PipelineSteps.Train);
            }
            redo = true;
        }
        var jumps = JumpFile.Read(layout.Jumps);
        string jumpsSha = FileSha256(layout.Jumps);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pipeline: {name}: OJFA chose jump {jumps.Ojfa}{(jumps.DSoftmax.Count > jumps.Ojfa ? $" (D_m softmax weight {jumps.DSoftmax[jumps.Ojfa]:0.000})" : "")}"));
        if (cancel.IsCancellationRequested)
            return Interrupted(PipelineSteps.Eval);

        // eval
        why = redo ? "the jumps were trained in this run" : PipelineFreshness.Eval(TryResults(layout.Results), File.Exists(layout.Report), Manifest, jumps);
        if (why is null)
        {
            Skip(name, PipelineSteps.Eval);
        }
        else
        {
            var evalOptions = new EvalOptions(layout.Dump, layout.Jumps, layout.Eval, Json: false, modelPath, ArbitrarySelection.Default,
                BatchRows: null, options.Threads);
            Step(name, PipelineSteps.Eval, why, () => new EvalJob(evalOptions).Execute(_jobs, cancel));
        }
        Results = ResultsJson.Parse(File.ReadAllText(layout.Results));
        if (cancel.IsCancellationRequested)
            return Interrupted(PipelineSteps.Exit);

        // early exit
        var prompts = ExitSweepJob.Prompts;
        why = options.Force ? "--force" : PipelineFreshness.Exit(ExitSweepJson.TryRead(layout.Exit), modelSha, jumpsSha, options.SweepLambdas, options.Tokens, prompts);
        if (why is null)
        {
            Skip(name, PipelineSteps.Exit);
            Exit = ExitSweepJson.TryRead(layout.Exit);
        }
        else
        {
            var sweep = Step(name, PipelineSteps.Exit, why,
                () => new ExitSweepJob(new ExitSweepOptions(modelPath, modelSha, layout.Jumps, jumpsSha, options.SweepLambdas, options.Tokens, options.Threads)).Execute(_jobs, cancel));
            if (sweep is null)
                return Interrupted(PipelineSteps.Exit);
            ExitSweepJson.WriteFile(layout.Exit, sweep);
            Exit = sweep;
        }
        return ExitCodes.Success;
    }

    /// <summary>The model is one the pipeline can work on: a readable GGUF with tensors and an exit level.</summary>
    private static ModelInfo Check(string modelPath)
    {
        var info = ModelInfo.Read(modelPath);
        if (!info.HasTensors)
            throw new UserInputException($"{info.FileName} holds no tensors (a vocabulary-only GGUF)");
        if (info.BlockCount < 2)
            throw new UserInputException($"{info.FileName} has {info.BlockCount} block(s); a jump needs an exit level before the last block");
        return info;
    }

    /// <summary>Runs a step's body and records it (done with its seconds, or failed); a null
    /// <paramref name="why"/> is a silent check before the step that records only a failure.</summary>
    private T Step<T>(string name, string step, string? why, Func<T> body)
    {
        if (why is not null)
            log.WriteLine($"pipeline: {name}: {step} ({why})");
        var clock = Stopwatch.StartNew();
        try
        {
            var result = body();
            if (why is not null)
            {
                _steps.Add(new StepRecord(step, StepState.Done, clock.Elapsed.TotalSeconds, why));
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline: {name}: {step} done in {clock.Elapsed.TotalSeconds:0.0} s"));
            }
            return result;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw; // recorded by Interrupted
        }
        catch (Exception e)
        {
            _steps.Add(new StepRecord(step, StepState.Failed, clock.Elapsed.TotalSeconds, OneLine(e.Message)));
            throw;
        }
    }

    private void Skip(string name, string step)
    {
        log.WriteLine($"pipeline: {name}: {step} skipped (up to date)");
        _steps.Add(new StepRecord(step, StepState.Skipped, null, null));
    }

    private int Interrupted(string step)
    {
        _steps.RemoveAll(s => s.Step == step);
        _steps.Add(new StepRecord(step, StepState.Interrupted, null, "interrupted; rerun to resume"));
        return ExitCodes.Interrupted;
    }

    private static DumpManifest? TryManifest(string directory)
    {
        if (!Directory.Exists(directory))
            return null;
        try
        {
            using var dump = DumpReader.Open(directory);
            return dump.Manifest;
        }
        catch (Exception e) when (e is DumpException or SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static JumpSet? TryJumps(string path)
    {
        try
        {
            return File.Exists(path) ? JumpFile.Read(path) : null;
        }
        catch (Exception e) when (e is DumpException or Gguf.GgufFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static EvalReport? TryResults(string path)
    {
        try
        {
            return File.Exists(path) ? ResultsJson.Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>Lower-case hex SHA-256 of a (jump) file: the identity exit.json is measured against.</summary>
    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
