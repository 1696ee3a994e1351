using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Pure.Threads;

/// <summary>Which threads llama.cpp gets: an explicit count for both, one per token for a small model, every core of
/// the budget otherwise.</summary>
public sealed class ThreadPlanTests
{
    private static readonly CpuBudget TwoCores = CpuBudget.From(2, null, fallback: 2);

    [Fact]
    public void An_explicit_thread_count_is_used_for_tokens_and_batches() =>
        ThreadPlan.For(ThreadPlan.SmallModelBytes * 10, requested: 3, TwoCores).Should().Be(new ThreadPlan(3, 3, "--threads 3", Adaptive: false));

    [Fact]
    public void A_small_model_decodes_a_token_on_one_thread_and_a_batch_on_all()
    {
        var plan = ThreadPlan.For(1_100_000, requested: null, TwoCores);
        (plan.Decode, plan.Batch).Should().Be((1, 2));
        plan.Describe().Should().Be("1 thread per token, 2 per batch");
    }

    [Fact]
    public void A_large_model_uses_every_core_of_the_budget_not_of_the_machine()
    {
        var plan = ThreadPlan.For(ThreadPlan.SmallModelBytes, requested: null, CpuBudget.From(16, 3.0, fallback: 64));
        (plan.Decode, plan.Batch).Should().Be((3, 3));
        plan.Describe().Should().Be("3 threads");
    }

    [Fact]
    public void One_core_means_one_thread_everywhere() =>
        ThreadPlan.For(1_000, requested: null, CpuBudget.From(1, null, fallback: 8)).Should().Match<ThreadPlan>(p => p.Decode == 1 && p.Batch == 1);
}
