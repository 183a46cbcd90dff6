using System;
using System.IO;
using System.Runtime.InteropServices;
using CoupleGen.Demo;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Samples;

[Trait("Category", "Unit")]
public class FailuresTests
{
    [Fact]
    public void ALibTorchErrorBecomesOneLineAndItsExitCode()
    {
        // The evaluation crash of a perceptual network converted to bfloat16 and fed FP32 images.
        using var convolution = torch.nn.Conv2d(3, 4, 3);
        convolution.to(torch.ScalarType.BFloat16);
        using var images = torch.zeros(1, 3, 8, 8);
        var failure = Assert.ThrowsAny<ExternalException>(() => convolution.call(images));
        var error = new StringWriter();

        int code = Failures.Report(failure, error);

        Assert.Equal(Failures.LibTorchExitCode, code);
        string first = error.ToString().Split('\n')[0];
        Assert.StartsWith("error: libtorch failed: ", first, StringComparison.Ordinal);
        Assert.Contains("should be the same", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception raised from", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOtherUnexpectedErrorNamesItsTypeAndExitsWith70()
    {
        var error = new StringWriter();

        int code = Failures.Report(new InvalidOperationException("the state broke\nsecond line"), error);

        Assert.Equal(Failures.UnexpectedExitCode, code);
        Assert.StartsWith("error: unexpected InvalidOperationException: the state broke", error.ToString(), StringComparison.Ordinal);
    }
}
