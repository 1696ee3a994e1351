using AwesomeAssertions;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Tests.Pure.Engine;

/// <summary>Gated spec's back-off on given wall times: doubling after failed cycles, reset by an accepted draft, and a
/// longest back-off that keeps failed cycles at 2 % of the full steps' time, between 64 and 1024 steps.</summary>
public sealed class SpecBackoffTests
{
    [Fact]
    public void Failed_cycles_double_the_back_off_and_an_accepted_draft_resets_it()
    {
        var backoff = new SpecBackoff().For(block: 1, threshold: 0.5f);
        backoff.CycleDone(accepted: false, seconds: 0.001, emitted: 1);
        backoff.Skip.Should().Be(1);
        backoff.FullStepDone(0.001);
        backoff.Skip.Should().Be(0);
        backoff.CycleDone(accepted: false, seconds: 0.001, emitted: 1);
        backoff.Skip.Should().Be(2);
        backoff.CycleDone(accepted: true, seconds: 0.001, emitted: 3);
        backoff.Skip.Should().Be(0);
    }

    [Fact]
    public void The_longest_back_off_keeps_failed_cycles_at_two_percent_of_the_full_steps()
    {
        var backoff = new SpecBackoff().For(block: 1, threshold: 0.5f);
        backoff.Maximum.Should().Be(SpecBackoff.Floor, "nothing is measured yet");
        backoff.FullStepDone(0.001); // a full step: 1 ms
        backoff.CycleDone(accepted: false, seconds: 0.003, emitted: 1); // 2 ms beyond its one token
        backoff.FullStepDone(0.002); // the step back after it: 1 ms of rebuild, counted to the cycle
        // 3 ms of extra per failed cycle at 2 % of 1 ms steps: one cycle per 150 steps
        backoff.Maximum.Should().Be(150);
        backoff.FullStepDone(0.001);
        backoff.Maximum.Should().Be(150, "a plain step after the first one is a step");

        var cheap = new SpecBackoff().For(block: 11, threshold: 0.5f);
        cheap.FullStepDone(0.060);
        cheap.CycleDone(accepted: false, seconds: 0.067, emitted: 1);
        cheap.FullStepDone(0.060);
        cheap.Maximum.Should().Be(SpecBackoff.Floor, "7 ms on 60 ms steps would allow 6: the floor holds");

        var costly = new SpecBackoff().For(block: 1, threshold: 0.5f);
        costly.FullStepDone(0.001);
        costly.CycleDone(accepted: false, seconds: 1, emitted: 1);
        costly.FullStepDone(0.001);
        costly.Maximum.Should().Be(SpecBackoff.Ceiling);
    }

    [Fact]
    public void Another_draft_block_or_threshold_starts_afresh()
    {
        var backoff = new SpecBackoff().For(block: 1, threshold: 0.5f);
        backoff.FullStepDone(0.001);
        backoff.CycleDone(accepted: false, seconds: 0.003, emitted: 1);
        backoff.FullStepDone(0.002);
        backoff.CycleDone(accepted: false, seconds: 0.003, emitted: 1);
        backoff.Skip.Should().Be(2);
        backoff.For(block: 2, threshold: 0.5f).Skip.Should().Be(0);
        backoff.Maximum.Should().Be(SpecBackoff.Floor);
    }
}
