using System;
using System.Diagnostics;
using System.IO;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Weights;

/// <summary>
/// Checks exported files with PyTorch itself. Needs Debian's python3-torch, which .ci/run installs;
/// where it is absent the test fails with the install command rather than passing silently.
/// </summary>
[Trait("Category", "Unit")]
public class PyTorchInteropTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void PyTorchLoadsAnExportedGeneratorStrictlyAndComputesTheSameOutput()
    {
        string folder = TestData.NewFolder();
        string path = Path.Combine(folder, "latest_net_G.pth");
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        generator.eval();
        Pix2PixWeights.ExportGenerator(generator, path);
        using var input = torch.rand(1, 3, 32, 32) * 2 - 1;
        WeightFile.SaveSafeTensors(Path.Combine(folder, "io.safetensors"), new System.Collections.Generic.Dictionary<string, torch.Tensor> { ["input"] = input });
        using (torch.no_grad())
        using (var output = generator.call(input))
        {
            WeightFile.SaveSafeTensors(Path.Combine(folder, "expected.safetensors"), new System.Collections.Generic.Dictionary<string, torch.Tensor> { ["output"] = output });
        }

        string script = Path.Combine(TestData.RepositoryRoot(), "tests", "fixtures", "check_export.py");
        var (code, output2) = Run(Python, $"\"{script}\" \"{folder}\"");
        Assert.True(code == 0, $"PyTorch rejected the export (install python3-torch with apt if missing):\n{output2}");
        Assert.Contains("strict load ok", output2, StringComparison.Ordinal);
    }

    private static (int Code, string Output) Run(string program, string arguments)
    {
        if (!File.Exists(program))
        {
            return (-1, $"{program} not found: sudo apt-get install python3-torch");
        }

        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr);
    }
}
