using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Models;
using LlamaJump.Tests.Pure.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Models;

/// <summary>The layouts of every architecture as read from llama.cpp b10361's loaders (src/models/&lt;arch&gt;.cpp):
/// which tensors each family has and lacks, at which shapes, and which keys it writes; fused-QKV llama as its own
/// model. A 64-wide, 4-head model with 2 KV heads (head size 16, KV width 32) and a 1000-token vocabulary.</summary>
public sealed class RandomModelLayoutTests
{
    private const long Vocab = 1000;

    private static RandomModelSpec Spec(string arch) => RandomModelSpec.Of(arch, blocks: 2, embd: 64, ff: 128, heads: 4, headsKv: 2, seed: 1, contextLength: 256);

    private static Dictionary<string, long[]> Shapes(RandomModelSpec spec) =>
        RandomModelLayout.Tensors(spec, Vocab).ToDictionary(t => t.Name, t => t.Dims);

    public static TheoryData<string> Architectures => new(RandomModelLayout.Architectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Every_architecture_has_unique_names_and_what_every_loader_requires(string arch)
    {
        var spec = Spec(arch);
        spec.Problems().Should().BeEmpty();
        var tensors = RandomModelLayout.Tensors(spec, Vocab);

        tensors.Select(t => t.Name).Should().OnlyHaveUniqueItems();
        tensors.Should().OnlyContain(t => t.Dims.All(d => d > 0) && t.Name.Length <= GgufWriter.MaxTensorNameBytes);
        var shapes = Shapes(spec);
        shapes["token_embd.weight"].Should().Equal(64, Vocab);
        shapes["output_norm.weight"].Should().Equal(64);
        shapes.ContainsKey("output.weight").Should().Be(RandomModelLayout.HasOwnOutput(arch));
        for (int i = 0; i < 2; i++)
        {
            shapes[$"blk.{i}.attn_output.weight"].Should().Equal(64, 64);
            shapes[$"blk.{i}.ffn_down.weight"].Should().Equal(128, 64);
            (shapes.ContainsKey($"blk.{i}.attn_qkv.weight") ^ shapes.ContainsKey($"blk.{i}.attn_q.weight")).Should().BeTrue("fused or separate Q/K/V");
        }
        // the norms of a LayerNorm family all carry biases, an RMSNorm family's none
        bool layerNorm = RandomModelLayout.Normalization(arch) == RandomModelNorm.Layer;
        shapes.ContainsKey("output_norm.bias").Should().Be(layerNorm);
        tensors.Where(t => t.Name.EndsWith("_norm.bias", StringComparison.Ordinal)).Should().OnlyContain(t => t.Init == RandomInit.Zeros);
        tensors.Where(t => t.Name.Contains("norm.weight", StringComparison.Ordinal)).Should().OnlyContain(t => t.Init != RandomInit.Random);
    }

    public static TheoryData<string, string[], string[]> Families => new()
    {
        { "llama", ["blk.1.attn_q.weight 64,64", "blk.1.attn_k.weight 64,32", "blk.1.ffn_gate.weight 64,128"], ["blk.1.attn_qkv.weight", "blk.1.attn_q.bias"] },
        { "qwen2", ["blk.1.attn_q.bias 64", "blk.1.attn_k.bias 32", "blk.1.attn_v.bias 32"], ["blk.1.attn_q_norm.weight", "output.bias"] },
        { "qwen3", ["blk.1.attn_q_norm.weight 16", "blk.1.attn_k_norm.weight 16"], ["blk.1.attn_q.bias"] },
        { "olmo2", ["blk.1.attn_q_norm.weight 64", "blk.1.attn_k_norm.weight 32", "blk.1.post_attention_norm.weight 64", "blk.1.post_ffw_norm.weight 64"],
            ["blk.1.attn_norm.weight", "blk.1.ffn_norm.weight"] },
        { "gemma", ["blk.1.ffn_gate.weight 64,128"], ["output.weight", "blk.1.post_attention_norm.weight", "blk.1.attn_q_norm.weight"] },
        { "gemma2", ["blk.1.post_attention_norm.weight 64", "blk.1.post_ffw_norm.weight 64"], ["output.weight", "blk.1.attn_q_norm.weight"] },
        { "gemma3", ["output.weight 64,1000", "blk.1.attn_q_norm.weight 16", "blk.1.attn_k_norm.weight 16", "blk.1.post_attention_norm.weight 64", "blk.1.post_ffw_norm.weight 64"], ["blk.1.attn_q.bias"] },
        { "phi2", ["blk.1.attn_norm.bias 64", "blk.1.attn_qkv.weight 64,128", "blk.1.attn_qkv.bias 128", "blk.1.attn_output.bias 64", "blk.1.ffn_up.bias 128",
            "blk.1.ffn_down.bias 64", "output.bias 1000"], ["blk.1.ffn_norm.weight", "blk.1.ffn_gate.weight"] },
        { "stablelm", ["blk.1.attn_norm.bias 64", "blk.1.attn_q.bias 64", "blk.1.ffn_norm.bias 64", "blk.1.ffn_gate.weight 64,128"], ["blk.1.attn_output.bias"] },
        { "starcoder2", ["blk.1.attn_q.bias 64", "blk.1.attn_v.bias 32", "blk.1.attn_output.bias 64", "blk.1.ffn_norm.bias 64", "blk.1.ffn_up.bias 128",
            "blk.1.ffn_down.bias 64"], ["blk.1.ffn_gate.weight", "position_embd.weight"] },
        { "granite", ["blk.1.ffn_gate.weight 64,128", "output.weight 64,1000"], ["blk.1.attn_output.bias"] },
        { "gpt2", ["position_embd.weight 64,256", "blk.1.attn_qkv.bias 128"], ["blk.1.attn_q.weight", "blk.1.ffn_gate.weight"] },
        { "phi3", ["blk.1.attn_qkv.weight 64,128", "blk.1.ffn_up.weight 64,256"], ["blk.1.ffn_gate.weight"] },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Each_family_has_its_own_tensors_and_not_the_others(string arch, string[] present, string[] absent)
    {
        var shapes = Shapes(Spec(arch));

        foreach (string entry in present)
        {
            var (name, dims) = (entry.Split(' ')[0], entry.Split(' ')[1].Split(',').Select(long.Parse).ToArray());
            shapes.Should().ContainKey(name);
            shapes[name].Should().Equal(dims, name);
        }
        shapes.Keys.Should().NotContain(absent);
    }

    [Fact]
    public void Fused_llama_carries_one_attn_qkv_per_block_and_is_another_model()
    {
        var plain = Spec("llama");
        var fused = plain with { FusedQkv = true };
        var shapes = Shapes(fused);

        shapes["blk.0.attn_qkv.weight"].Should().Equal(64, 64 + 2 * 32);
        shapes.Keys.Should().NotContain(["blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight", "blk.0.attn_qkv.bias"]);
        shapes.Count.Should().Be(Shapes(plain).Count - 2 * 2);

        string vocab = SharedFiles.Path("models", "vocab", "ggml-vocab-llama-spm.gguf");
        var plainPlan = RandomModelPlan.Create(plain, GgmlType.F32, vocab);
        var fusedPlan = RandomModelPlan.Create(fused, GgmlType.F32, vocab);
        plainPlan.Identity.Should().NotContain("fused");
        fusedPlan.Identity.Should().Be(plainPlan.Identity + " fused_qkv");
        fusedPlan.Name.Should().Be("random-llama-2x64-fused-f32");
        (fused with { Quiet = new QuietBlocks(0) }).Problems().Should().BeEmpty();
        RandomModelPlan.Create(fused with { Quiet = new QuietBlocks(0) }, GgmlType.F32, vocab).Name.Should().Be("random-llama-2x64-fused-quiet0-f32");
    }

    public static TheoryData<RandomModelSpec, string> Invalid => new()
    {
        { Spec("qwen3") with { FusedQkv = true }, "fused QKV is a llama layout, not one of qwen3" },
        { Spec("phi2") with { EmbeddingLength = 72, HeadCount = 4, HeadCountKv = 4 }, "head size n_embd / heads = 18 is not a multiple of 4; phi2's RoPE over half the head needs one" },
        { Spec("stablelm") with { EmbeddingLength = 72, HeadCount = 4, HeadCountKv = 4 }, "is not a multiple of 4" },
        { Spec("gemma2") with { HeadScale = 10 }, "gemma2 ties its output to token_embd" },
        { Spec("starcoder2") with { EmbeddingLength = 68, HeadCount = 4, HeadCountKv = 4 }, "the head size n_embd / heads = 17 is odd" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_spec_a_family_cannot_hold_is_refused(RandomModelSpec spec, string problem) =>
        spec.Problems().Should().ContainSingle().Which.Should().Contain(problem);

    [Fact]
    public void Only_gpt2_has_learned_positions_and_only_phi2_and_stablelm_rotate_half_the_head()
    {
        RandomModelLayout.Architectures.Where(a => !RandomModelLayout.HasRope(a)).Should().Equal("gpt2");
        RandomModelLayout.Architectures.Where(RandomModelLayout.HasPartialRotary).Should().Equal("phi2", "stablelm");
        RandomModelLayout.Architectures.Where(a => RandomModelLayout.Normalization(a) == RandomModelNorm.Layer).Should().Equal("gpt2", "phi2", "stablelm", "starcoder2");
        RandomModelLayout.Architectures.Where(a => !RandomModelLayout.HasOwnOutput(a)).Should().Equal("gemma", "gemma2");
        RandomModelLayout.RopeDimensionCount(Spec("phi2")).Should().Be(8);
        RandomModelLayout.RopeDimensionCount(Spec("starcoder2")).Should().Be(16);
    }

    [Fact]
    public void Post_norms_carry_the_residual_scale_so_quiet_blocks_stay_quiet()
    {
        foreach (string arch in new[] { "gemma2", "gemma3", "olmo2" })
        {
            var spec = Spec(arch) with { BlockCount = 4, Quiet = new QuietBlocks(1, 0.01) };
            var tensors = RandomModelLayout.Tensors(spec, Vocab).ToDictionary(t => t.Name);
            foreach (string norm in new[] { "post_attention_norm", "post_ffw_norm" })
            {
                tensors[$"blk.1.{norm}.weight"].Init.Should().Be(RandomInit.Constant);
                tensors[$"blk.1.{norm}.weight"].Scale.Should().Be(spec.ResidualProjectionScale);
                tensors[$"blk.2.{norm}.weight"].Scale.Should().BeApproximately(spec.ResidualProjectionScale * 0.01, 1e-15);
            }
        }
    }

    [Fact]
    public void Each_family_writes_its_own_keys()
    {
        using var temp = new TempDirectory();
        GgufFile Keys(string arch)
        {
            string path = Path.Combine(temp.Root, $"{arch}.gguf");
            using (var writer = new GgufWriter(path))
            {
                writer.SetMetadata("general.architecture", arch);
                RandomModelLayout.WriteHyperparameters(writer, Spec(arch), Vocab);
                writer.Complete();
            }
            return GgufFile.Read(path);
        }
        object Value(GgufFile file, string key) => file.Metadata[key].Value;

        foreach (string arch in RandomModelLayout.Architectures)
        {
            var file = Keys(arch);
            bool rms = RandomModelLayout.Normalization(arch) == RandomModelNorm.Rms;
            file.Metadata.Should().ContainKey($"{arch}.attention.{(rms ? "layer_norm_rms_epsilon" : "layer_norm_epsilon")}");
            file.Metadata.Should().NotContainKey($"{arch}.attention.{(rms ? "layer_norm_epsilon" : "layer_norm_rms_epsilon")}");
            file.Metadata.ContainsKey($"{arch}.rope.dimension_count").Should().Be(arch != "gpt2");
        }
        Keys("stablelm").GetInteger("stablelm.rope.dimension_count").Should().Be(8);
        var gemma2 = Keys("gemma2");
        Value(gemma2, "gemma2.final_logit_softcapping").Should().Be(30f);
        Value(gemma2, "gemma2.attn_logit_softcapping").Should().Be(50f);
        gemma2.GetInteger("gemma2.attention.sliding_window").Should().Be(128);
        var gemma3 = Keys("gemma3");
        Value(gemma3, "gemma3.final_logit_softcapping").Should().Be(30f);
        gemma3.GetInteger("gemma3.attention.sliding_window").Should().Be(128);
        gemma3.Metadata.Should().NotContainKey("gemma3.attn_logit_softcapping");
        var granite = Keys("granite");
        foreach (string key in new[] { "logit_scale", "residual_scale", "embedding_scale", "attention.scale" })
            ((float)Value(granite, $"granite.{key}")).Should().BeGreaterThan(0).And.NotBe(1f, key);
        Value(granite, "granite.attention.scale").Should().Be(1f / 16);
        Keys("llama").GetInteger("llama.vocab_size").Should().Be(Vocab);
    }
}
