using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.App.Pipeline;

/// <summary>summary.json of a pipeline run (keys documented in SUMMARY.md beside this file).</summary>
public sealed record PipelineSummary(
    int SchemaVersion,
    string Corpus,
    string CorpusSha256,
    int Train,
    int Test,
    ulong Seed,
    IReadOnlyList<float> Lambdas,
    int Tokens,
    bool AllSucceeded,
    int ExitCode,
    IReadOnlyList<ModelSummary> Models)
{
    public const int CurrentVersion = 1;

    /// <summary>The methods summarised, in the order of the paper's comparison.</summary>
    public static readonly IReadOnlyList<string> Methods =
        [EvalMethods.Identity, EvalMethods.Nnjtc, EvalMethods.Ojfa, EvalMethods.ArbitraryMean, EvalMethods.Joint];

    /// <summary>Builds the summary from every model's outcome; null outputs give null fields.</summary>
    public static PipelineSummary Build(PipelineOptions options, PipelineCorpus corpus, IReadOnlyList<ModelOutcome> outcomes, int exitCode) => new(
        CurrentVersion, corpus.Path, corpus.Sha256, corpus.TrainCount, corpus.TestCount, options.Seed, options.SweepLambdas, options.Tokens,
        outcomes.All(o => o.Succeeded), exitCode, outcomes.Select(ModelSummary.From).ToList());
}

/// <summary>One model's line of the summary.</summary>
public sealed record ModelSummary(
    string Model,
    string File,
    string Directory,
    string Status,
    int ExitCode,
    string? Error,
    string? Architecture,
    int? NLayer,
    int? NEmbd,
    int? TrainCount,
    int? TestCount,
    int? Ojfa,
    double? OjfaSoftmaxWeight,
    IReadOnlyDictionary<string, MethodSummary> Methods,
    ParameterSummary? Parameters,
    IReadOnlyList<ExitPoint> EarlyExit,
    IReadOnlyDictionary<string, StepSummary> Steps)
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";

    public static ModelSummary From(ModelOutcome o)
    {
        var results = o.Results;
        var methods = new Dictionary<string, MethodSummary>();
        if (results is not null)
        {
            var scores = results.Result.Methods.ToDictionary(m => m.Name, m => m.Scores);
            foreach (string method in PipelineSummary.Methods)
            {
                if (scores.TryGetValue(method, out var s))
                    methods[method] = new MethodSummary(ExitSweepJson.Finite(s.MeanPrecision), ExitSweepJson.Finite(s.MeanSurprisal));
            }
        }
        var jumps = results?.Jumps;
        double? weight = jumps is not null && jumps.Ojfa >= 0 && jumps.Ojfa < jumps.DSoftmax.Count ? jumps.DSoftmax[jumps.Ojfa] : null;
        var p = results?.Parameters;
        var steps = PipelineSteps.All.ToDictionary(step => step, step =>
            o.Steps.LastOrDefault(s => s.Step == step) is { } r
                ? new StepSummary(Name(r.State), r.Seconds is { } sec ? Math.Round(sec, 3) : null, r.Note)
                : new StepSummary(Name(StepState.NotRun), null, null));
        string status = o.Succeeded ? Ok : o.ExitCode == ExitCodes.Interrupted ? Interrupted : Failed;
        return new ModelSummary(o.Name, Path.GetFileName(o.ModelPath), Path.GetFileName(o.Layout.Directory), status, o.ExitCode, o.Error,
            results?.Model.Architecture, results?.Model.NLayer, results?.Model.NEmbd, o.TrainCount, o.TestCount,
            jumps?.Ojfa, ExitSweepJson.Finite(weight), methods,
            p is null ? null : new ParameterSummary(p.Hidden, p.Rank, p.Jumps, p.PerJump, p.MultiJumpTotal, p.SingleJumpTotal, p.Reduction),
            o.Exit?.Points ?? [], steps);
    }

    /// <summary>"done", "skipped", "failed", "interrupted", "not_run": a step's state in summary.json.</summary>
    public static string Name(StepState state) => state switch
    {
        StepState.Done => "done",
        StepState.Skipped => "skipped",
        StepState.Failed => "failed",
        StepState.Interrupted => "interrupted",
        _ => "not_run",
    };
}

/// <summary>Mean Precision@1 and Surprisal (nats) of a method over the exit levels.</summary>
public sealed record MethodSummary(double? MeanPrecision, double? MeanSurprisal);

/// <summary>Shortcut parameters: one jump (2·H·r + 4·H), one per exit level (multi, N-NJTC) and OJFA's one, and
/// their ratio.</summary>
public sealed record ParameterSummary(int Hidden, int Rank, int Jumps, long PerJump, long MultiJump, long SingleJump, double Ratio);

/// <summary>A step's state, the seconds it ran (null when skipped or not run) and why it ran or failed.</summary>
public sealed record StepSummary(string State, double? Seconds, string? Note);
