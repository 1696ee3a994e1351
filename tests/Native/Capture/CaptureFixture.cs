using LLama;
using LLama.Common;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>Loads a model on the patched backend and decodes prompts with block capture, for the capture tests.</summary>
internal sealed class CaptureSession : IDisposable
{
    public LLamaWeights Weights { get; }
    public LLamaContext Context { get; }
    public int NLayer { get; }
    public int NEmbd => Context.EmbeddingSize;
    public int NVocab => Context.Vocab.Count;

    public CaptureSession(string modelPath, uint seqMax = 1, int threads = 1)
    {
        NativeBackend.Initialize();
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = 1024,
            BatchSize = 512,
            UBatchSize = 512,
            SeqMax = seqMax,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
            FlashAttention = false, // as the stock recording (tools/StockReference HiddenStateRecorder)
        };
        Weights = LLamaWeights.LoadFromFile(parameters);
        Context = Weights.CreateContext(parameters);
        NLayer = int.Parse(Weights.Metadata[$"{Weights.Metadata["general.architecture"]}.block_count"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public int[] Tokenize(string text) => Context.Tokenize(text, addBos: true).Select(t => (int)t).ToArray();

    public void CaptureAllBlocks() => BlockCapture.SetBlocks(Context, Enumerable.Range(0, NLayer).ToArray());

    /// <summary>Decodes one batch: each sequence's tokens from position 0, output where <paramref name="output"/> says.</summary>
    public void Decode(IReadOnlyList<int[]> sequences, Func<int, int, bool> output)
    {
        Context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        for (int s = 0; s < sequences.Count; s++)
        {
            for (int i = 0; i < sequences[s].Length; i++)
            {
                batch.Add((LLamaToken)sequences[s][i], i, (LLamaSeqId)s, output(s, i));
            }
        }
        var result = Context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"decode failed: {result}");
        }
    }

    /// <summary>Block <paramref name="block"/>'s captured rows of the last decode, [rows][n_embd].</summary>
    public float[] Rows(int block)
    {
        var rows = new float[BlockCapture.RowCount(Context) * NEmbd];
        BlockCapture.CopyRows(Context, new BlockIndex(block), rows);
        return rows;
    }

    public void Dispose()
    {
        Context.Dispose();
        Weights.Dispose();
    }
}

internal static class Floats
{
    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
        }
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }
        return max;
    }
}
