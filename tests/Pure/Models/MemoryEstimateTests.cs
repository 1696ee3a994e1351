using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Tests.Pure.Gguf;

namespace LlamaJump.Tests.Pure.Models;

/// <summary>Requests beyond the machine are refused up front, with the estimate.</summary>
public sealed class MemoryEstimateTests
{
    private static GgufFile Stories => GgufFile.Read(SharedFiles.Path("models", "gguf", "stories260K.gguf"));

    [Fact]
    public void The_KV_cache_estimate_follows_the_hand_computed_formula()
    {
        // stories260K: 5 blocks, n_embd 64, 8 heads, 4 KV heads → n_embd_kv 32; 2 × 5 × (16·128) × 32 × 2 bytes
        var estimate = MemoryEstimate.For(Stories, new SessionOptions(SequenceCount: 16, MaxTokens: 128));
        estimate.KvCacheBytes.Should().Be(2L * 5 * 2048 * 32 * 2);
        estimate.ModelBytes.Should().BeGreaterThan(1_000_000).And.BeLessThan(1_300_000);
    }

    [Fact]
    public void A_context_larger_than_memory_is_refused_with_the_estimate()
    {
        var huge = new SessionOptions(SequenceCount: 100_000, MaxTokens: 100_000);
        var check = () => MemoryEstimate.EnsureFits(Stories, huge, availableBytes: 24L << 30);
        check.Should().Throw<MemoryRequestTooLargeException>()
            .WithMessage("stories260K.gguf with 100000 sequences × 100000 tokens needs about * GiB (model 0.0, KV cache *) but 24.0 GiB is available; use fewer sequences or tokens");
    }

    [Fact]
    public void A_normal_request_fits()
    {
        var check = () => MemoryEstimate.EnsureFits(Stories, new SessionOptions(16, 128), availableBytes: 1L << 30);
        check.Should().NotThrow();
    }
}
