namespace LlamaJump.App.Pipeline;

/// <summary>One λ of the early-exit sweep, averaged over the prompts: blocks computed per generated token, the share
/// of tokens equal to the full model's greedy choice after the same prefix (teacher-forced), the share of positions
/// equal to the full model's own greedy run, and tokens per second.</summary>
public sealed record ExitPoint(float Lambda, double BlocksPerToken, double? Agreement, double? SequenceAgreement, double TokensPerSecond);

/// <summary>exit.json: the early-exit sweep of one model with its jump file, and the identity it was measured with
/// (model and jump file SHA-256, λ values, tokens, prompts), which decides whether it is up to date.</summary>
public sealed record ExitSweep(
    int SchemaVersion,
    string ModelSha256,
    string JumpsSha256,
    int NLayer,
    int Tokens,
    IReadOnlyList<string> Prompts,
    IReadOnlyList<int> Candidates,
    IReadOnlyList<ExitPoint> Points)
{
    public const int CurrentVersion = 1;

    /// <summary>The λ values measured, in order.</summary>
    public IReadOnlyList<float> Lambdas => Points.Select(p => p.Lambda).ToList();
}
