using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Models;
using LlamaJump.Tests.Pure.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Models;

/// <summary>The test-model variants of a random model — quiet blocks, a narrowed stream, a sharper head — in the plan,
/// in the written file's metadata and identity, and in the weights.</summary>
public sealed class RandomModelVariantTests
{
    private static readonly RandomModelSpec Small = RandomModelSpec.Llama(blocks: 4, embd: 32, ff: 64, heads: 2, headsKv: 2, seed: 1);

    private static string Vocab => SharedFiles.Path("models", "vocab", "ggml-vocab-llama-spm.gguf");

    [Fact]
    public void Quiet_blocks_scale_the_residual_projections_of_the_blocks_after_K_only()
    {
        var plan = RandomModelPlan.Create(Small with { Quiet = new QuietBlocks(1, 0.001) }, GgmlType.F32, Vocab);
        double Scale(string name) => plan.Tensors.Single(t => t.Name == name).Scale;
        double full = Small.ResidualProjectionScale;

        Scale("blk.1.attn_output.weight").Should().Be(full);
        Scale("blk.1.ffn_down.weight").Should().Be(full);
        foreach (int block in new[] { 2, 3 })
        {
            Scale($"blk.{block}.attn_output.weight").Should().BeApproximately(full * 0.001, 1e-15);
            Scale($"blk.{block}.ffn_down.weight").Should().BeApproximately(full * 0.001, 1e-15);
            Scale($"blk.{block}.ffn_up.weight").Should().Be(1, "only what writes into the stream is quiet");
            Scale($"blk.{block}.attn_v.weight").Should().Be(1);
        }
        plan.Name.Should().Be("random-llama-4x32-quiet1-f32");
    }

    [Fact]
    public void A_plain_model_keeps_the_identity_and_file_it_had_before_the_variants()
    {
        var plan = RandomModelPlan.Create(Small, GgmlType.F16, Vocab);

        plan.Identity.Should().NotContainAny("quiet", "stream_rank", "head_scale");
        plan.Identity.Should().MatchRegex(" vocab_sha256=[0-9a-f]{64}$");
        plan.Tensors.Should().OnlyContain(t => t.Mask == null);
        plan.Tensors.Single(t => t.Name == "output.weight").Scale.Should().Be(1);
    }

    [Fact]
    public void The_file_names_its_variants_and_a_plan_recognises_only_its_own()
    {
        using var temp = new TempDirectory();
        var spec = Small with { Quiet = new QuietBlocks(2, 0.01), StreamRank = 8, HeadScale = 50 };
        string path = Path.Combine(temp.Root, "quiet.gguf");
        RandomModelBuilder.Write(spec, GgmlType.F32, Vocab, path);
        var file = GgufFile.Read(path);

        file.GetInteger(RandomModelPlan.QuietAfterKey).Should().Be(2);
        file.Metadata[RandomModelPlan.QuietScaleKey].Value.Should().Be(0.01);
        file.GetInteger(RandomModelPlan.StreamRankKey).Should().Be(8);
        file.Metadata[RandomModelPlan.HeadScaleKey].Value.Should().Be(50.0);
        file.GetString(RandomModelPlan.IdentityKey).Should().EndWith(" quiet_after=2 quiet_scale=0.01 head_scale=50 stream_rank=8");
        RandomModelPlan.Create(spec, GgmlType.F32, Vocab).IsWrittenIn(file).Should().BeTrue();
        foreach (var other in new[]
                 {
                     spec with { Quiet = new QuietBlocks(1, 0.01) }, spec with { Quiet = new QuietBlocks(2, 0.02) }, spec with { Quiet = null },
                     spec with { StreamRank = 16 }, spec with { StreamRank = null }, spec with { HeadScale = 1 },
                 })
        {
            RandomModelPlan.Create(other, GgmlType.F32, Vocab).IsWrittenIn(file).Should().BeFalse(other.ToString());
        }
        GgufFile.Read(WritePlain(temp)).Metadata.Keys.Should().NotContain([RandomModelPlan.QuietAfterKey, RandomModelPlan.StreamRankKey, RandomModelPlan.HeadScaleKey]);
    }

    [Fact]
    public void A_narrowed_stream_zeroes_every_write_outside_its_coordinates_and_keeps_the_rest()
    {
        var narrow = RandomModelPlan.Create(Small with { StreamRank = 8 }, GgmlType.F32, Vocab);
        var plain = RandomModelPlan.Create(Small, GgmlType.F32, Vocab);
        int e = (int)Small.EmbeddingLength;

        // token_embd [e, vocab]: row t is token t's embedding; attn_output [e, e] and ffn_down [ff, e]: row o writes coordinate o
        var embedding = Values(narrow, "token_embd.weight", rows: 3);
        var embeddingPlain = Values(plain, "token_embd.weight", rows: 3);
        for (int i = 0; i < embedding.Length; i++)
            embedding[i].Should().Be(i % e < 8 ? embeddingPlain[i] : 0, $"element {i}");
        foreach (string name in new[] { "blk.0.attn_output.weight", "blk.3.ffn_down.weight" })
        {
            var tensor = narrow.Tensors.Single(t => t.Name == name);
            var values = Values(narrow, name, rows: e);
            var valuesPlain = Values(plain, name, rows: e);
            long rowLength = tensor.Dims[0];
            for (int i = 0; i < values.Length; i++)
                values[i].Should().Be(i / rowLength < 8 ? valuesPlain[i] : 0, $"{name} element {i}");
        }
        Values(narrow, "blk.0.attn_q.weight", rows: e).Should().Equal(Values(plain, "blk.0.attn_q.weight", rows: e), "what reads the stream is full");
        Values(narrow, "output.weight", rows: 3).Should().Equal(Values(plain, "output.weight", rows: 3));
    }

    private static string WritePlain(TempDirectory temp)
    {
        string path = Path.Combine(temp.Root, "plain.gguf");
        RandomModelBuilder.Write(Small, GgmlType.F32, Vocab, path);
        return path;
    }

    /// <summary>The first <paramref name="rows"/> rows (of dims[0] elements) of a tensor as the builder writes it.</summary>
    private static float[] Values(RandomModelPlan plan, string name, int rows)
    {
        var tensor = plan.Tensors.Single(t => t.Name == name);
        using var stream = new MemoryStream();
        RandomModelWeights.Write(stream, tensor, GgmlType.F32, plan.Spec.Seed, plan.Spec.InitStd);
        var all = new float[stream.Length / 4];
        Buffer.BlockCopy(stream.ToArray(), 0, all, 0, (int)stream.Length);
        return all[..(int)(rows * tensor.Dims[0])];
    }
}
