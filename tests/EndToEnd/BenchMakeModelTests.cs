using System.Text.Json;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump bench make-model</c> at a small shape: writes a model <c>models</c> describes, reuses it
/// when asked again, replaces it for another seed or quiet scale, and refuses bad input with one line and exit code
/// 2.</summary>
public sealed class BenchMakeModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-make-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Small = ["--blocks", "2", "--embd", "64", "--ff", "128", "--heads", "4", "--heads-kv", "2", "--type", "f32"];

    /// <summary>The small shape with the options in <paramref name="extra"/> (pairs of option and value) put in.</summary>
    private static CommandResult MakeModel(string output, params string[] extra)
    {
        var args = new List<string> { "bench", "make-model", "--out", output };
        for (int i = 0; i < Small.Length; i += 2)
        {
            if (!extra.Contains(Small[i]))
                args.AddRange([Small[i], Small[i + 1]]);
        }
        return Cli.Llamajump([.. args, .. extra]);
    }

    [Fact]
    public void Writes_a_model_that_models_describes_then_reuses_it_and_replaces_it_for_another_seed()
    {
        string output = Path.Combine(_dir, "sub", "small.gguf");

        var built = MakeModel(output);

        built.ExitCode.Should().Be(0, built.Stderr);
        built.Stdout.Should().StartWith("bench make-model: built in ");
        built.Stdout.Should().Contain($"path   {output}\n");
        built.Stdout.Should().MatchRegex(@"size   \d+\.\d MB \(\d+ bytes\)");
        built.Stdout.Should().Contain("shape  llama, 2 blocks, n_embd 64, n_ff 128, 4 heads (2 KV, head size 16), F32 weights, vocab 32000, seed 1");
        built.Stderr.Should().Contain("writing random-llama-2x64-f32");
        File.Exists(output + ".tmp").Should().BeFalse();

        var listed = Cli.Llamajump("models", "--model", output, "--json");
        listed.ExitCode.Should().Be(0, listed.Stderr);
        var model = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().Single();
        model.GetProperty("architecture").GetString().Should().Be("llama");
        model.GetProperty("blocks").GetInt32().Should().Be(2);
        model.GetProperty("n_embd").GetInt32().Should().Be(64);
        model.GetProperty("vocab").GetInt32().Should().Be(32000);
        model.GetProperty("file_type").GetString().Should().Be("F32");
        model.GetProperty("size_bytes").GetInt64().Should().Be(new FileInfo(output).Length);

        var written = File.GetLastWriteTimeUtc(output);
        var reused = MakeModel(output);
        reused.ExitCode.Should().Be(0, reused.Stderr);
        reused.Stdout.Should().StartWith("bench make-model: reused (same spec)");
        File.GetLastWriteTimeUtc(output).Should().Be(written, "a reused file is not rewritten");

        var replaced = MakeModel(output, "--seed", "2");
        replaced.ExitCode.Should().Be(0, replaced.Stderr);
        replaced.Stdout.Should().StartWith("bench make-model: replaced in ").And.Contain("seed 2");
        replaced.Stderr.Should().Contain("holds a random model of another spec");
    }

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["--heads", "5"], "--embd 64 is not a multiple of --heads 5" },
        { ["--heads-kv", "3"], "--heads 4 is not a multiple of --heads-kv 3" },
        { ["--blocks", "0"], "--blocks must be positive" },
        { ["--type", "iq2_xxs"], "--type 'iq2_xxs': ggml quantises it only with an importance matrix, which a random model has none of; choose one of f32, f16, bf16, q4_0" },
        { ["--type", "q8_1"], "--type 'q8_1': make-model cannot write it; choose one of" },
        { ["--type", "q4_k_m"], "--type 'q4_k_m': no ggml type of that name; choose one of" },
        { ["--preset", "llama3-8b"], "--preset 'llama3-8b' is not one of llama2-7b, phi3-mini, gpt2-xl" },
        { ["--vocab", "/nonexistent/vocab.gguf"], "--vocab /nonexistent/vocab.gguf: no such file" },
        { ["--quiet-after", "1"], "--quiet-after 1 is beyond the model: with --blocks 2 it must be in 0 … 0" },
        { ["--quiet-after", "-1"], "--quiet-after -1 is beyond the model" },
        { ["--quiet-after", "0", "--quiet-scale", "0"], "--quiet-scale must be a positive finite number, not 0" },
        { ["--quiet-after", "0", "--quiet-scale", "-0.01"], "--quiet-scale must be a positive finite number, not -0.01" },
        { ["--quiet-after", "0", "--quiet-scale", "NaN"], "--quiet-scale must be a positive finite number, not NaN" },
        { ["--quiet-after", "0", "--quiet-scale", "1e999"], "--quiet-scale must be a positive finite number, not Infinity" },
        { ["--quiet-scale", "0.5"], "--quiet-scale needs --quiet-after" },
        { ["--stream-rank", "64"], "--stream-rank 64 must be in 1 … 63 (below --embd 64)" },
        { ["--head-scale", "0"], "--head-scale must be a positive finite number, not 0" },
        { ["--arch", "mamba"], "--arch 'mamba' is not one of llama, gpt2, phi3, qwen2, qwen3, gemma, gemma2, gemma3, phi2, stablelm, starcoder2, olmo2, granite" },
        { ["--arch", "qwen3", "--fused-qkv"], "--fused-qkv is a llama layout; --arch qwen3 has its own attention tensors" },
    };

    [Fact]
    public void Arch_makes_another_family_with_its_tokenizer_and_fused_qkv_another_llama()
    {
        string output = Path.Combine(_dir, "qwen3.gguf");

        var built = MakeModel(output, "--arch", "qwen3");

        built.ExitCode.Should().Be(0, built.Stderr);
        built.Stdout.Should().Contain("shape  qwen3, 2 blocks, n_embd 64, n_ff 128, 4 heads (2 KV, head size 16), F32 weights, vocab 50257, seed 1");
        built.Stderr.Should().Contain("writing random-qwen3-2x64-f32");
        var model = JsonDocument.Parse(Cli.Llamajump("models", "--model", output, "--json").Stdout).RootElement.EnumerateArray().Single();
        model.GetProperty("architecture").GetString().Should().Be("qwen3");
        var generated = Cli.Llamajump("generate", "--model", output, "--prompt", "Once upon a time", "--max-tokens", "4");
        generated.ExitCode.Should().Be(0, generated.Stderr);

        string fused = Path.Combine(_dir, "fused.gguf");
        var made = MakeModel(fused, "--fused-qkv");
        made.ExitCode.Should().Be(0, made.Stderr);
        made.Stdout.Should().Contain("qkv    one fused attn_qkv per block\n");
        made.Stderr.Should().Contain("writing random-llama-2x64-fused-f32");
        var plain = MakeModel(fused);
        plain.Stdout.Should().StartWith("bench make-model: replaced in ", "fused and separate QKV are two models");
    }

    [Fact]
    public void A_quantised_model_of_a_preset_family_holds_ggmls_blocks_and_names_its_fallbacks()
    {
        // GPT-2-XL's family and tokenizer at a small width: rows of n_embd = 64 are no whole Q4_K super-block
        // (256), rows of n_ff = 256 are
        string output = Path.Combine(_dir, "gpt2-q4k.gguf");
        var built = Cli.Llamajump("bench", "make-model", "--out", output, "--preset", "gpt2-xl",
            "--blocks", "4", "--embd", "64", "--ff", "256", "--heads", "4", "--type", "q4_k");

        built.ExitCode.Should().Be(0, built.Stderr);
        built.Stdout.Should().Contain("shape  gpt2, 4 blocks, n_embd 64, n_ff 256, 4 heads (4 KV, head size 16), Q4_K weights, vocab 50257, seed 1");
        built.Stdout.Should().Contain("types  15 tensors whose rows are not whole q4_k blocks are q5_0 (llama.cpp's fallback)");
        var model = JsonDocument.Parse(Cli.Llamajump("models", "--model", output, "--json").Stdout).RootElement.EnumerateArray().Single();
        model.GetProperty("architecture").GetString().Should().Be("gpt2");
        model.GetProperty("file_type").GetString().Should().Be("Q4_K_S");

        string q40 = Path.Combine(_dir, "llama-q4_0.gguf");
        MakeModel(q40, "--type", "q4_0").ExitCode.Should().Be(0);
        var dump = Cli.Llamajump("dump", "--model", q40, "--corpus", Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw"), "--out", Path.Combine(_dir, "dump"), "--train", "20", "--test", "5");
        dump.ExitCode.Should().Be(0, dump.Stderr);
        var generated = Cli.Llamajump("generate", "--model", q40, "--prompt", "Once upon a time", "--max-tokens", "8");
        generated.ExitCode.Should().Be(0, generated.Stderr);

        // the quantised gpt2 through dump, train and bench exit, with its propagated and recomputed exit rows
        string corpus = Path.Combine(Cli.Shared, "data", "wikitext-2", "wiki.test.raw");
        var gpt2Dump = Cli.Llamajump("dump", "--model", output, "--corpus", corpus, "--out", Path.Combine(_dir, "gpt2-dump"), "--train", "40", "--test", "5");
        gpt2Dump.ExitCode.Should().Be(0, gpt2Dump.Stderr);
        string jumps = Path.Combine(_dir, "gpt2.jumps.gguf");
        var trained = Cli.Llamajump("train", "--dump", Path.Combine(_dir, "gpt2-dump"), "--out", jumps, "--epochs", "2");
        trained.ExitCode.Should().Be(0, trained.Stderr);
        var exits = Cli.Llamajump("bench", "exit", "--model", output, "--jumps", jumps, "--tokens", "4", "--repeats", "1", "--lambdas", "");
        exits.ExitCode.Should().Be(0, exits.Stderr);
        exits.Stdout.Should().Contain("exit, never (λ > 1)").And.Contain("exit at block 1, recompute").And.Contain("exit at block 1, propagate", "gpt2 has state propagation (the backend's K/V-path table)");
        exits.Stderr.Should().NotContain("use recompute");
    }

    [Fact]
    public void A_quiet_model_says_which_blocks_are_quiet_and_another_quiet_scale_is_another_model()
    {
        string output = Path.Combine(_dir, "quiet.gguf");

        var built = MakeModel(output, "--quiet-after", "0", "--stream-rank", "16", "--head-scale", "50");

        built.ExitCode.Should().Be(0, built.Stderr);
        built.Stdout.Should().Contain("quiet  blocks 1-1: attn_output and ffn_down scaled by 0.01");
        built.Stdout.Should().Contain("stream coordinates 0-15 of 64\n").And.Contain("head   output.weight scaled by 50\n");
        built.Stderr.Should().Contain("writing random-llama-2x64-quiet0-f32");
        MakeModel(output, "--quiet-after", "0", "--stream-rank", "16", "--head-scale", "50").Stdout.Should().StartWith("bench make-model: reused (same spec)");

        var replaced = MakeModel(output, "--quiet-after", "0", "--quiet-scale", "0.001", "--stream-rank", "16", "--head-scale", "50");
        replaced.ExitCode.Should().Be(0, replaced.Stderr);
        replaced.Stdout.Should().StartWith("bench make-model: replaced in ").And.Contain("scaled by 0.001");
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_error_line_exit_code_2_and_no_file(string[] extra, string expected)
    {
        string output = Path.Combine(_dir, "bad.gguf");

        var result = MakeModel(output, extra);

        OneErrorLine(result, expected);
        File.Exists(output).Should().BeFalse();
        File.Exists(output + ".tmp").Should().BeFalse();
    }

    [Fact]
    public void A_file_it_did_not_make_is_never_overwritten()
    {
        string output = Path.Combine(_dir, "stories.gguf");
        File.Copy(Path.Combine(Cli.Shared, "models", "gguf", "stories260K.gguf"), output);
        byte[] before = File.ReadAllBytes(output);

        var result = MakeModel(output);

        OneErrorLine(result, "is not a model made by bench make-model");
        File.ReadAllBytes(output).Should().Equal(before);
    }

    private static void OneErrorLine(CommandResult result, string expected)
    {
        result.ExitCode.Should().Be(2, result.Stderr);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Split('\n').Where(l => l.StartsWith("llamajump: error: ", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain(expected);
        result.Stderr.Should().NotContain("   at ");
    }
}
