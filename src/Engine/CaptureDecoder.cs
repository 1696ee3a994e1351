using LLama.Native;
using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>What one captured decode produced for n sequences: <see cref="Hidden"/>, the hidden state after every
/// block at each sequence's last token, laid out [n_layer][n][n_embd] (empty without capture); and the full model's
/// top-1 next token there with its log-probability.</summary>
public sealed record CapturedBatch(float[] Hidden, int SequenceCount, int NEmbd, int[] Top1, float[] Top1LogProb)
{
    /// <summary>Block <paramref name="block"/>'s rows, [n][n_embd].</summary>
    public ReadOnlySpan<float> Block(int block) => Hidden.AsSpan(block * SequenceCount * NEmbd, SequenceCount * NEmbd);

    /// <summary>The same batch restricted to the sequences at <paramref name="indices"/> (in that order).</summary>
    public CapturedBatch Select(IReadOnlyList<int> indices)
    {
        int nLayer = SequenceCount == 0 ? 0 : Hidden.Length / (SequenceCount * NEmbd);
        var hidden = new float[nLayer * indices.Count * NEmbd];
        for (int block = 0; block < nLayer; block++)
        {
            var rows = Block(block);
            for (int j = 0; j < indices.Count; j++)
            {
                rows.Slice(indices[j] * NEmbd, NEmbd).CopyTo(hidden.AsSpan((block * indices.Count + j) * NEmbd, NEmbd));
            }
        }
        return new CapturedBatch(hidden, indices.Count, NEmbd, indices.Select(i => Top1[i]).ToArray(), indices.Select(i => Top1LogProb[i]).ToArray());
    }
}

/// <summary>
/// Decodes several token sequences in one llama_decode (one sequence id each, positions from 0) with every block
/// captured, output only at each sequence's last token. The KV cache is cleared first, so batches are independent.
/// </summary>
public sealed class CaptureDecoder
{
    private readonly ModelSession _session;

    public CaptureDecoder(ModelSession session, bool capture = true)
    {
        _session = session;
        BlockCapture.SetBlocks(session.Context, capture ? Enumerable.Range(0, session.NLayer).ToArray() : []);
        Capturing = capture;
    }

    public bool Capturing { get; }

    /// <exception cref="ArgumentException">too many sequences or tokens for the session, or an empty sequence</exception>
    public CapturedBatch Decode(IReadOnlyList<int[]> sequences)
    {
        var options = _session.Options;
        if (sequences.Count == 0 || sequences.Count > options.SequenceCount)
        {
            throw new ArgumentException($"{sequences.Count} sequences; the session decodes 1..{options.SequenceCount} at once", nameof(sequences));
        }
        var batch = new LLamaBatch();
        foreach (var (tokens, s) in sequences.Select((t, i) => (t, i)))
        {
            if (tokens.Length == 0 || tokens.Length > options.MaxTokens)
            {
                throw new ArgumentException($"sequence {s} has {tokens.Length} tokens; the session allows 1..{options.MaxTokens}", nameof(sequences));
            }
            for (int i = 0; i < tokens.Length; i++)
            {
                batch.Add((LLamaToken)tokens[i], i, (LLamaSeqId)s, i == tokens.Length - 1);
            }
        }
        var context = _session.Context;
        _session.ClearMemory();
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed ({result}) on a batch of {sequences.Count} sequences, {batch.TokenCount} tokens");
        }

        int n = sequences.Count;
        var top1 = new int[n];
        var logProb = new float[n];
        int tokenIndex = -1;
        for (int s = 0; s < n; s++)
        {
            tokenIndex += sequences[s].Length;
            (top1[s], logProb[s]) = Top1(context.NativeHandle.GetLogitsIth(tokenIndex));
        }
        int rowsPerBlock = n * _session.NEmbd;
        var hidden = new float[Capturing ? _session.NLayer * rowsPerBlock : 0];
        for (int block = 0; Capturing && block < _session.NLayer; block++)
        {
            BlockCapture.CopyRows(context, new BlockIndex(block), hidden.AsSpan(block * rowsPerBlock, rowsPerBlock));
        }
        return new CapturedBatch(hidden, n, _session.NEmbd, top1, logProb);
    }

    /// <summary>argmax of <paramref name="logits"/> and its log-softmax value, computed in double.</summary>
    public static (int Token, float LogProb) Top1(ReadOnlySpan<float> logits)
    {
        int best = Maximum.IndexOf(logits);
        double max = logits[best], sum = 0;
        foreach (float x in logits)
        {
            sum += Math.Exp(x - max);
        }
        return (best, (float)-Math.Log(sum));
    }
}
