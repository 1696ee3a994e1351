using LlamaJump.Engine.Generation;

namespace LlamaJump.App.Generate;

/// <summary>The options of <c>llamajump generate</c>, parsed and range-checked by <c>GenerateVerb</c>.
/// <see cref="Candidates"/> is the raw --levels text (checked against the model once it is open); null draft settings
/// are planned from --plan's evaluation results, or default.</summary>
public sealed record GenerateOptions(
    string Model,
    string? Jumps,
    GenerationMode Mode,
    float Lambda,
    int? ExitLayer,
    string? Candidates,
    KvFill Fill,
    int? DraftLength,
    string? Plan,
    string Prompt,
    int MaxTokens,
    bool Json,
    bool Compare,
    SamplingOptions Sampling,
    int? Threads,
    float? DraftThreshold = null,
    ExitPlanGoal PlanGoal = ExitPlanGoal.Cost)
{
    /// <summary>spec's draft threshold where neither --draft-threshold nor a plan sets it: gated drafting with
    /// back-off (see <see cref="GenerationSettings.DraftThreshold"/>); 0 restores fixed-length drafting.</summary>
    public const float DefaultDraftThreshold = 0.5f;
}
