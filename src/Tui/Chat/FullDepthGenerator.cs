using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Native;
using LlamaJump.Interop;
using LlamaJump.Interop.Generation;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// Greedy generation with the whole model (every block, every token), for the chat until the native early-exit
/// generator is available and for models without jumps. Every token reports <c>ExitLayer = n_layer − 1</c>. Only
/// <see cref="GenerationMode.Full"/> is served: asking for another mode (before or during a reply) throws
/// <see cref="InvalidOperationException"/>, as the early-exit generator does for a model without jumps.
/// Each call decodes the prompt from an empty KV cache, so calls are independent. Not thread-safe: one generation at
/// a time; <see cref="Stats"/> may be read from any thread.
/// </summary>
public sealed class FullDepthGenerator(ModelSession session) : ITokenGenerator
{
    private volatile GenerationStats _stats = GenerationStats.Empty(session.NLayer);

    public GenerationStats Stats => _stats;

    public IEnumerable<GeneratedToken> Generate(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentNullException.ThrowIfNull(control);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        if (promptTokens.Count == 0)
        {
            throw new ArgumentException("the prompt holds no tokens", nameof(promptTokens));
        }
        int room = session.Options.ContextSize - promptTokens.Count;
        if (room <= 0)
        {
            throw new ArgumentException($"the prompt ({promptTokens.Count} tokens) fills the context of {session.Options.ContextSize}", nameof(promptTokens));
        }
        EnsureFull(control);
        return Run(promptTokens, Math.Min(maxTokens, room), control, cancel);
    }

    private IEnumerable<GeneratedToken> Run(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel)
    {
        var context = session.Context;
        var vocab = session.Weights.Vocab;
        int nLayer = session.NLayer;
        var histogram = new int[nLayer];
        _stats = GenerationStats.Empty(nLayer);
        context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        for (int i = 0; i < promptTokens.Count; i++)
        {
            batch.Add((LLamaToken)promptTokens[i], i, LLamaSeqId.Zero, logits: i == promptTokens.Count - 1);
        }
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, session.Weights);
        var clock = Stopwatch.StartNew();
        int produced = 0;
        for (int position = promptTokens.Count; produced < maxTokens && !cancel.IsCancellationRequested; position++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode failed at position {position}");
            }
            var (next, _) = CaptureDecoder.Top1(context.NativeHandle.GetLogitsIth(batch.TokenCount - 1));
            if (((LLamaToken)next).IsEndOfGeneration(vocab))
            {
                yield break;
            }
            decoder.Add(next);
            string text = decoder.Read();
            produced++;
            histogram[nLayer - 1]++;
            _stats = new GenerationStats(produced, (long)produced * nLayer, clock.Elapsed.TotalSeconds, histogram.ToArray());
            yield return new GeneratedToken(next, TokenPieces.Of(session.Weights, next), text, nLayer - 1);
            EnsureFull(control);
            batch.Clear();
            batch.Add(next, position, LLamaSeqId.Zero, logits: true);
        }
    }

    private static void EnsureFull(GenerationControl control)
    {
        if (control.Settings.Mode != GenerationMode.Full)
        {
            throw new InvalidOperationException($"{control.Settings.Mode.ToString().ToLowerInvariant()} mode needs the early-exit generator; this build generates at full depth only");
        }
    }
}
