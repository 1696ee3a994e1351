using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>Produces tokens one at a time after a prompt, reading <see cref="GenerationControl"/> before each token.
/// Stops at end of generation, after <c>maxTokens</c>, or when <c>cancel</c> fires (then it returns what it has; it
/// does not throw). <see cref="Stats"/> describes the generation in progress or the last one.</summary>
public interface ITokenGenerator
{
    IEnumerable<GeneratedToken> Generate(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default);

    /// <summary>Like <see cref="Generate"/>, but keeps the K/V of the longest prefix of <paramref name="promptTokens"/>
    /// that the context already holds (from the last <see cref="Continue"/>) and decodes only the rest: the next turn
    /// of a conversation costs its new tokens, not the whole conversation.</summary>
    IEnumerable<GeneratedToken> Continue(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default);

    GenerationStats Stats { get; }
}
