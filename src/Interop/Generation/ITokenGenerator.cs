namespace LlamaJump.Interop.Generation;

/// <summary>Produces tokens one at a time after a prompt, reading <see cref="GenerationControl"/> before each token.
/// Stops at end of generation, after <c>maxTokens</c>, or when <c>cancel</c> fires (then it returns what it has; it
/// does not throw). <see cref="Stats"/> describes the generation in progress or the last one.</summary>
public interface ITokenGenerator
{
    IEnumerable<GeneratedToken> Generate(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default);

    GenerationStats Stats { get; }
}
