using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>The model's real output head (<see cref="OutputHead"/>, the patched llama.cpp's final norm + output
/// projection, exact for llama, gpt2 and phi3) on an open <see cref="ModelSession"/>, which it does not own. Uses the
/// session's threads.</summary>
public sealed class ModelSessionHead(ModelSession session) : IHead
{
    public int NEmbd => session.NEmbd;

    public int NVocab => session.NVocab;

    public void Apply(ReadOnlySpan<float> hidden, int rows, Span<float> logits) => OutputHead.Apply(session.Context, hidden, rows, logits);
}
