using System.Buffers.Binary;
using LlamaJump.Gguf;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// An independent computation of what a llama block writes to the KV cache for a block input h at position pos:
/// K = RoPE(W_k · RMSNorm(h)·attn_norm), V = W_v · RMSNorm(h)·attn_norm, from the GGUF's tensors and metadata,
/// with RoPE in ggml's "normal" mode (rotating adjacent pairs), no scaling. Plain loops in double. Tensors may be
/// F32, or Q8_0 / Q4_0, dequantised here from their block layouts (not by ggml); with those the activation is rounded
/// to Q8_0 blocks first, as ggml's CPU mat-mul does (<see cref="ActivationFor"/>).
/// </summary>
internal sealed class ReferenceKv
{
    private readonly GgufFile _file;
    private readonly int _nEmbd, _nHead, _nHeadKv, _nRot;
    private readonly double _eps, _freqBase;

    public ReferenceKv(string modelPath)
    {
        _file = GgufFile.Read(modelPath);
        string arch = _file.GetString("general.architecture")!;
        _nEmbd = (int)_file.GetInteger($"{arch}.embedding_length")!.Value;
        _nHead = (int)_file.GetInteger($"{arch}.attention.head_count")!.Value;
        _nHeadKv = (int)(_file.GetInteger($"{arch}.attention.head_count_kv") ?? _nHead);
        _nRot = (int)(_file.GetInteger($"{arch}.rope.dimension_count") ?? _nEmbd / _nHead);
        _eps = Real($"{arch}.attention.layer_norm_rms_epsilon") ?? 1e-5;
        _freqBase = Real($"{arch}.rope.freq_base") ?? 10000;
    }

    public int KvWidth => _nEmbd / _nHead * _nHeadKv;

    public (double[] K, double[] V) Compute(int block, ReadOnlySpan<float> h, int pos)
    {
        float[] norm = Tensor($"blk.{block}.attn_norm.weight");
        double mean = 0;
        foreach (float v in h)
        {
            mean += (double)v * v;
        }
        double scale = 1 / Math.Sqrt(mean / _nEmbd + _eps);
        var x = new double[_nEmbd];
        for (int i = 0; i < _nEmbd; i++)
        {
            x[i] = h[i] * scale * norm[i];
        }
        double[] k = Project(Tensor($"blk.{block}.attn_k.weight"), ActivationFor($"blk.{block}.attn_k.weight", x));
        double[] v2 = Project(Tensor($"blk.{block}.attn_v.weight"), ActivationFor($"blk.{block}.attn_v.weight", x));
        int headDim = _nEmbd / _nHead;
        for (int head = 0; head < _nHeadKv; head++)
        {
            for (int i0 = 0; i0 < _nRot; i0 += 2)
            {
                double theta = pos * Math.Pow(_freqBase, -(double)i0 / _nRot);
                int a = head * headDim + i0;
                double x0 = k[a], x1 = k[a + 1];
                k[a] = x0 * Math.Cos(theta) - x1 * Math.Sin(theta);
                k[a + 1] = x0 * Math.Sin(theta) + x1 * Math.Cos(theta);
            }
        }
        return (k, v2);
    }

    /// <summary>What ggml's CPU mat-mul multiplies a weight by: the activation itself for F32 weights; for Q8_0 and
    /// Q4_0 weights the activation rounded to Q8_0 blocks (their vec_dot_type, <see cref="HandQ8_0"/>).</summary>
    private double[] ActivationFor(string weight, double[] x)
    {
        if (_file.Tensors.Single(t => t.Name == weight).Type == GgmlType.F32)
            return x;
        var rounded = new double[x.Length];
        var block = new float[HandQ8_0.BlockElements];
        for (int b = 0; b < x.Length / block.Length; b++)
        {
            for (int i = 0; i < block.Length; i++)
                block[i] = (float)x[block.Length * b + i];
            var (d, q) = HandQ8_0.Block(block);
            float stored = (float)(Half)d; // the block keeps its scale in fp16
            for (int i = 0; i < block.Length; i++)
                rounded[block.Length * b + i] = stored * q[i];
        }
        return rounded;
    }

    // ggml weight {n_embd, n_out}: output o = Σ_i w[o·n_embd + i]·x[i]
    private double[] Project(float[] w, double[] x)
    {
        int nOut = w.Length / _nEmbd;
        var y = new double[nOut];
        for (int o = 0; o < nOut; o++)
        {
            double sum = 0;
            for (int i = 0; i < _nEmbd; i++)
            {
                sum += w[o * _nEmbd + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private float[] Tensor(string name)
    {
        var info = _file.Tensors.Single(t => t.Name == name);
        GgmlTypeSize.TryGet(info.Type, out int blockElements, out int blockBytes);
        var bytes = new byte[info.ElementCount / blockElements * blockBytes];
        using var stream = File.OpenRead(_file.Path);
        stream.Position = _file.DataOffset + info.Offset;
        stream.ReadExactly(bytes);
        var values = new float[info.ElementCount];
        switch (info.Type)
        {
            case GgmlType.F32:
                for (int i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
                break;
            case GgmlType.Q8_0: // { half d; int8 qs[32]; }: x = d · q
                for (int b = 0; b < values.Length / 32; b++)
                {
                    float d = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(34 * b));
                    for (int i = 0; i < 32; i++)
                        values[32 * b + i] = d * (sbyte)bytes[34 * b + 2 + i];
                }
                break;
            case GgmlType.Q4_0: // { half d; uint8 qs[16]; }: x_j = d · (lo(qs[j]) − 8), x_{j+16} = d · (hi(qs[j]) − 8)
                for (int b = 0; b < values.Length / 32; b++)
                {
                    float d = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(18 * b));
                    for (int j = 0; j < 16; j++)
                    {
                        byte q = bytes[18 * b + 2 + j];
                        values[32 * b + j] = d * ((q & 0xF) - 8);
                        values[32 * b + j + 16] = d * ((q >> 4) - 8);
                    }
                }
                break;
            default:
                throw new InvalidOperationException($"{name} is {info.Type}; the reference reads F32, Q8_0 and Q4_0 tensors");
        }
        return values;
    }

    private double? Real(string key) =>
        _file.Metadata.TryGetValue(key, out var value) ? Convert.ToDouble(value.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
