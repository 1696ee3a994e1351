using System.Globalization;
using LlamaJump.App;
using LlamaJump.Dumps.Corpus;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Models;
using LlamaJump.Shortcuts;

namespace LlamaJump.App.Pipeline;

/// <summary>What a pipeline run did: every model's outcome, the summary and where it was written, the exit code.</summary>
public sealed record PipelineOutcome(IReadOnlyList<ModelOutcome> Models, PipelineSummary Summary, string SummaryJson, string SummaryMarkdown, int ExitCode);

/// <summary>
/// <c>llamajump pipeline</c>'s work: reads the corpus once, runs <see cref="ModelPipeline"/> for every model in turn
/// — a model that fails (a corrupt or tensor-less GGUF, a 1-block model, a memory refusal, any error) is recorded
/// with its one-line reason and exit code and the next model runs — and writes summary.json and summary.md into the
/// output directory. The exit code is 0 when every model succeeded, else the highest failing code (2 bad input,
/// 69 missing native parts, 70 internal error, 74 I/O, 130 interrupted). Ctrl-C stops after the current step and
/// leaves the remaining models out of the summary. An explicit <c>--device cuda</c> that cannot be had is refused
/// once, before any model.
/// </summary>
public sealed class PipelineJob(PipelineOptions options) : IJob<PipelineOutcome>
{
    public PipelineOutcome Execute(JobContext context, CancellationToken cancel)
    {
        var log = context.Log;
        if (options.Models.Count == 0)
            throw new UserInputException("no models to run");
        var clashes = options.Models.GroupBy(ModelLayout.Stem, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (clashes.Count > 0)
            throw new UserInputException($"two models would share the directory {Path.Combine(options.Out, clashes[0])}: give models with distinct file names");
        if (options.Device == TorchDeviceChoice.Cuda)
            TorchRuntime.ResolveDevice(options.Device); // an unavailable cuda is refused here, not in every model's train step
        var corpus = ReadCorpus(options, log);
        log.WriteLine($"pipeline: {options.Models.Count} model(s), {corpus.TrainCount} train + {corpus.TestCount} test sentences of {corpus.Path}, into {Path.GetFullPath(options.Out)}");

        var outcomes = new List<ModelOutcome>();
        foreach (string model in options.Models)
        {
            if (cancel.IsCancellationRequested)
                break;
            outcomes.Add(RunModel(model, options, corpus, context, log, cancel));
        }
        int exitCode = outcomes.Select(o => o.ExitCode).DefaultIfEmpty(ExitCodes.Interrupted).Max();
        if (cancel.IsCancellationRequested)
            exitCode = ExitCodes.Interrupted;
        var summary = PipelineSummary.Build(options, corpus, outcomes, exitCode);
        var (json, md) = PipelineSummaryWriter.WriteAll(summary, options.Out);
        return new PipelineOutcome(outcomes, summary, json, md, exitCode);
    }

    /// <summary>Runs one model; any failure becomes its outcome (one line on the log too), never an exception.</summary>
    public static ModelOutcome RunModel(string model, PipelineOptions options, PipelineCorpus corpus, JobContext context, TextWriter log, CancellationToken cancel)
    {
        var layout = ModelLayout.For(options.Out, model);
        var pipeline = new ModelPipeline(options, corpus, context.Models, log, cancel);
        // JobRunner turns an exception into the same one line and exit code the single verbs give; it is captured
        // here as the model's reason.
        var errors = new StringWriter(CultureInfo.InvariantCulture);
        int code = JobRunner.Run(context with { Error = errors }, () => pipeline.Run(model, layout));
        string? error = null;
        if (code != ExitCodes.Success)
        {
            string text = errors.ToString();
            log.Write(text.Replace("llamajump: ", $"llamajump: {ModelLayout.Stem(model)}: ", StringComparison.Ordinal));
            error = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Replace("llamajump: error: ", "", StringComparison.Ordinal)
                ?? (code == ExitCodes.Interrupted ? "interrupted; rerun the same command to resume" : $"exit code {code}");
            if (code != ExitCodes.Interrupted)
                log.WriteLine($"pipeline: {ModelLayout.Stem(model)}: failed (exit code {code}); going on with the next model");
        }
        return new ModelOutcome(model, layout, code, error, pipeline.Steps,
            pipeline.Manifest?.Identity.TrainCount, pipeline.Manifest?.Identity.TestCount, pipeline.Results, pipeline.Exit);
    }

    /// <summary>The corpus and the split counts the dumps take from it (fails once, before any model, when it is
    /// missing, empty or too small without --allow-fewer).</summary>
    public static PipelineCorpus ReadCorpus(PipelineOptions options, TextWriter log)
    {
        var text = CorpusReader.Read(options.Corpus);
        if (text.Sentences.Count == 0)
            throw new UserInputException($"{options.Corpus}: no usable sentences (need sentences of at least {CorpusReader.MinWords} words)");
        var selection = SampleSelection.Create(text.Sentences.Count, options.Train, options.Test, options.Seed, options.AllowFewer);
        if (selection.ScaledDown)
            log.WriteLine($"pipeline: --allow-fewer: {selection.Train.Count} train + {selection.Test.Count} test sentences instead of {options.Train} + {options.Test}");
        return new PipelineCorpus(Path.GetFullPath(options.Corpus), text.Sha256, selection.Train.Count, selection.Test.Count);
    }

    /// <summary>Every *.gguf directly in <paramref name="directory"/>, by name.</summary>
    public static IReadOnlyList<string> ModelsIn(string directory) => Directory.Exists(directory)
        ? Directory.EnumerateFiles(directory, "*.gguf", new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive })
            .Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>The repository's models/gguf directory, the default set of models.</summary>
    public static string DefaultModelDirectory => Path.Combine(ModelResolver.LocateHome(), "models", "gguf");
}
