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
        arguments.RejectUnknown();
        var framing = frame switch
        {
            "never" => FaceFramingMode.Never,
            "always" => FaceFramingMode.Always,
            _ => throw new UsageException($"--frame needs 'never' (inputs already framed) or 'always' (find and frame the face), not '{frame}'."),
        };

        using var logging = Logging.Create();
        using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { FaceFraming = framing }, logging.CreateLogger("generate"));
        if (!Directory.Exists(input))
        {
            generator.Generate(input, output);
            Console.WriteLine($"{input} -> {output}");
            return 0;
        }

        string[] extensions = { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };
        var files = Directory.EnumerateFiles(input).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        foreach (string file in files)
        {
            string target = Path.Combine(output, Path.GetFileNameWithoutExtension(file) + ".partner.png");
            generator.Generate(file, target);
            Console.WriteLine($"{file} -> {target}");
        }

        Console.WriteLine($"{files.Count} partners written to {output}");
        return 0;
    }
}
