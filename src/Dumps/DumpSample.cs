namespace LlamaJump.Dumps;

/// <summary>One sample of a dump, one line of <c>{split}.samples.jsonl</c>: row r of the split's tensors belongs
/// to line r.
/// <list type="bullet">
/// <item><see cref="SampleIndex"/>: the sample's index in its split of the whole dump (across shards); rows are in
/// increasing sample index.</item>
/// <item><see cref="SentenceIndex"/>: index into the corpus's sentences.</item>
/// <item><see cref="Tokens"/>: token ids fed to the model, BOS first, up to and including <see cref="Position"/>
/// (so <c>Tokens.Length == Position + 1</c>).</item>
/// <item><see cref="Top1"/>, <see cref="Top1Logprob"/>: the full model's most likely next token after
/// <see cref="Position"/> and its natural-log probability.</item>
/// <item><see cref="Truncated"/>: the sentence was longer than the context and was cut.</item>
/// </list></summary>
public sealed record DumpSample(
    int SampleIndex, int SentenceIndex, int Position, int[] Tokens, int Top1, float Top1Logprob, bool Truncated);
