using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.App.Pipeline;

/// <summary>The steps of the pipeline for one model, in order.</summary>
public static class PipelineSteps
{
    public const string Dump = "dump";
    public const string Train = "train";
    public const string Eval = "eval";
    public const string Exit = "exit";

    public static readonly IReadOnlyList<string> All = [Dump, Train, Eval, Exit];
}

/// <summary>How a step went: <see cref="Done"/> (ran in this run), <see cref="Skipped"/> (its output was up to
/// date), <see cref="Failed"/>, <see cref="Interrupted"/> (Ctrl-C; its partial work is kept where the step can
/// resume) or <see cref="NotRun"/> (an earlier step failed).</summary>
public enum StepState
{
    Done,
    Skipped,
    Failed,
    Interrupted,
    NotRun,
}

/// <summary>One step of one model: how it went, the seconds it took when it ran, and why it ran (the freshness
/// check's reason) or failed.</summary>
public sealed record StepRecord(string Step, StepState State, double? Seconds, string? Note);

/// <summary>What the pipeline did for one model: the process exit code its failure would give (0 when every step
/// succeeded), the one-line reason of a failure, every step, and what the outputs hold (each null when the step
/// producing it did not complete in this or an earlier run).</summary>
public sealed record ModelOutcome(
    string ModelPath,
    ModelLayout Layout,
    int ExitCode,
    string? Error,
    IReadOnlyList<StepRecord> Steps,
    int? TrainCount,
    int? TestCount,
    EvalReport? Results,
    ExitSweep? Exit)
{
    public string Name => ModelLayout.Stem(ModelPath);
    public bool Succeeded => ExitCode == 0;
}
