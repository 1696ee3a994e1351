using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LLama;
using LLama.Native;

namespace LlamaJump.StockReference;

/// <summary>One prompt decoded with every token requesting output: its tokens and, per block il, the rows of the
/// graph tensor <c>l_out-&lt;il&gt;</c> that llama.cpp's eval callback saw ([n_tokens][n_embd], row-major).</summary>
public sealed record HiddenStateCase(string Prompt, int[] Tokens, float[][] Blocks);

/// <summary>
/// Records <c>l_out-&lt;il&gt;</c> through the eval callback (cb_eval) of whatever libllama LLamaSharp loaded — in the
/// reference tool that is the stock LLamaSharp.Backend.Cpu 0.30.0 build. The callback asks for every tensor named
/// l_out-*, so the scheduler hands each one over after it is computed.
/// </summary>
public static unsafe class HiddenStateRecorder
{
    private static delegate* unmanaged<nint, byte*> _getName;
    private static delegate* unmanaged<nint, nuint> _nbytes;
    private static delegate* unmanaged<nint, void*, nuint, nuint, void> _tensorGet;
    private static readonly Dictionary<int, float[]> Seen = [];

    public static HiddenStateCase Record(LLamaWeights weights, string prompt)
    {
        BindGgml();
        var p = LLamaContextParams.Default();
        p.n_ctx = 256;
        p.n_batch = 256;
        p.n_ubatch = 256;
        p.n_threads = 1;
        p.n_threads_batch = 1;
        p.llama_flash_attn_type = LLamaFlashAttentionType.LLAMA_FLASH_ATTENTION_TYPE_DISABLED; // plain attention: fewer f16 roundings
        p.cb_eval = (nint)(delegate* unmanaged[Cdecl]<nint, byte, nint, byte>)&OnEval;
        using var context = SafeLLamaContextHandle.Create(weights.NativeHandle, p);
        LLamaToken[] tokens = weights.Tokenize(prompt, add_bos: true, special: false, System.Text.Encoding.UTF8);
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, logits: true);
        }
        Seen.Clear();
        if (context.Decode(batch) != DecodeResult.Ok)
        {
            throw new InvalidOperationException("decode failed");
        }
        int nLayer = Seen.Count;
        var blocks = Enumerable.Range(0, nLayer).Select(il => Seen.TryGetValue(il, out var rows) ? rows
            : throw new InvalidOperationException($"l_out-{il} was not seen")).ToArray();
        return new HiddenStateCase(prompt, tokens.Select(t => (int)t).ToArray(), blocks);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte OnEval(nint tensor, byte ask, nint userData)
    {
        string name = Marshal.PtrToStringUTF8((nint)_getName(tensor)) ?? "";
        if (!name.StartsWith("l_out-", StringComparison.Ordinal))
        {
            return 0; // not interested (ask) / keep going (data)
        }
        if (ask != 0)
        {
            return 1;
        }
        int il = int.Parse(name.AsSpan("l_out-".Length), System.Globalization.CultureInfo.InvariantCulture);
        var data = new float[(int)(_nbytes(tensor) / sizeof(float))];
        fixed (float* dst = data)
        {
            _tensorGet(tensor, dst, 0, (nuint)(data.Length * sizeof(float)));
        }
        Seen[il] = data;
        return 1;
    }

    // ggml-base is the library the loaded libllama links against; find it among the process's mappings.
    private static void BindGgml()
    {
        if (_getName != null)
        {
            return;
        }
        string path = File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .FirstOrDefault(p => Path.GetFileName(p).StartsWith("libggml-base.so", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("libggml-base is not loaded");
        nint lib = NativeLibrary.Load(path);
        _getName = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "ggml_get_name");
        _nbytes = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "ggml_nbytes");
        _tensorGet = (delegate* unmanaged<nint, void*, nuint, nuint, void>)NativeLibrary.GetExport(lib, "ggml_backend_tensor_get");
    }
}
