using LlamaJump.Engine.Generation;
using LlamaJump.Models;

namespace LlamaJump.App.Generate;

/// <summary>What <c>generate</c> did: the settings that ran, the tokens, their text, the counters, and with --compare
/// the full model's own greedy run and the agreement with it.</summary>
public sealed record GenerateResult(
    ModelInfo Model,
    string? JumpFile,
    int? JumpLevel,
    GenerateOptions Options,
    GenerationSettings Settings,
    int DraftBlock,
    string? PlanReason,
    string Text,
    IReadOnlyList<GeneratedToken> Tokens,
    GenerationStats Stats,
    Comparison? Compare);

/// <summary>
/// Agreement with the full model. <see cref="Agreement"/>: the fraction of generated tokens that equal the full
/// model's greedy choice given the same prefix (teacher-forced: one full-depth pass over prompt + generated text).
/// <see cref="SequenceAgreement"/>: the fraction of positions where the generated sequence equals the full model's
/// own greedy continuation (once a lossy run diverges, later positions rarely match). The full run's decode speed
/// gives <see cref="Speedup"/>.
/// </summary>
public sealed record Comparison(double Agreement, double SequenceAgreement, IReadOnlyList<int> FullTokens, double FullTokensPerSecond, double Speedup);
