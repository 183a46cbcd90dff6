using System;
using System.IO;
using System.Linq;
using CoupleGen.Generation;

namespace CoupleGen.Demo;

/// <summary>Generates partners for one image or every image in a folder.</summary>
internal static class GenerateCommand
{
    public static int Run(Arguments arguments)
    {
        string checkpoint = arguments.Required("checkpoint");
        string input = arguments.Required("input");
        string output = arguments.Required("output");
        string frame = arguments.Text("frame") ?? "never";
        PartnerSex partnerSex = TrainCommand.ParsePartnerSex(arguments.Text("partner-sex"));
        arguments.RejectUnknown();
        var framing = frame switch
        {
            "never" => FaceFramingMode.Never,
            "always" => FaceFramingMode.Always,
            _ => throw new UsageException($"--frame needs 'never' (inputs already framed) or 'always' (find and frame the face), not '{frame}'."),
        };

        using var logging = Logging.Create();
        using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { FaceFraming = framing, PartnerSex = partnerSex }, logging.CreateLogger("generate"));
        if (!Directory.Exists(input))
        {
            generator.Generate(input, output);
            Console.WriteLine($"{input} -> {output}");
            return 0;
        }

        string[] extensions = { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };
        var files = Directory.EnumerateFiles(input).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)
            .Select(file => (file, Path.Combine(output, Path.GetFileNameWithoutExtension(file) + ".partner.png"))).ToList();

        // One call for the folder: batched forward passes, with reading and writing beside them.
        var results = generator.GenerateFiles(files);
        foreach (FileGenerationResult result in results)
        {
            if (result.Succeeded)
            {
                Console.WriteLine($"{result.InputPath} -> {result.OutputPath}");
            }
            else
            {
                Console.Error.WriteLine($"error: {result.InputPath}: {result.Error!.Message}");
            }
        }

        int failed = results.Count(result => !result.Succeeded);
        Console.WriteLine($"{results.Count - failed} partners written to {output}" + (failed > 0 ? $"; {failed} failed" : string.Empty));
        return failed > 0 ? 1 : 0;
    }
}
