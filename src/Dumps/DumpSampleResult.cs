namespace LlamaJump.Dumps;

/// <summary>What the model produced for one sample, handed to <see cref="DumpWriter.WriteBatch"/>: the token ids
/// fed (BOS first, up to and including the planned position), the top-1 next token, its log-probability, and
/// whether the sentence was truncated to fit the context.</summary>
public sealed record DumpSampleResult(IReadOnlyList<int> Tokens, int Top1, float Top1Logprob, bool Truncated);
