using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Demo;

/// <summary>Photo -> framed input -> partner -> files: the whole path for a single portrait.</summary>
internal static class PortraitCommand
{
    public static int Run(Arguments arguments)
    {
        string input = arguments.Required("input");
        string output = arguments.Text("out") ?? "out/portrait";
        string? checkpoint = arguments.Text("checkpoint");
        string face = arguments.Text("face") ?? "largest";
        string sexes = arguments.Text("partner-sex") ?? "auto";
        string background = arguments.Text("background") ?? "replace";
        PartnerSex[] partnerSexes = sexes == "all" ? new[] { PartnerSex.Auto, PartnerSex.Female, PartnerSex.Male } : new[] { TrainCommand.ParsePartnerSex(sexes) };
        arguments.RejectUnknown();

        var faces = new FaceFramingOptions
        {
            Selection = face == "largest" ? FaceSelection.Largest : FaceSelection.Index,
            FaceIndex = face == "largest" ? 0 : int.TryParse(face, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0
                ? index
                : throw new UsageException($"--face needs 'largest' or a face number from 0 (left to right), not '{face}'."),

            // The model only saw faces on the training red; replacing the photo's own background avoids red-and-grey smears.
            Background = background switch
            {
                "replace" => FramingBackground.Replace,
                "keep" => FramingBackground.Keep,
                _ => throw new UsageException($"--background needs 'keep' or 'replace', not '{background}'."),
            },
        };

        string stem = Path.GetFileNameWithoutExtension(input);
        string framedPath = Path.Combine(output, stem + ".framed.png");
        var clock = Stopwatch.StartNew();
        if (checkpoint is null)
        {
            using var framer = new FaceFramer(faces);
            clock.Restart();
            var framed = framer.Frame(input);
            using FramedFace first = framed[0];
            ImageFiles.Save(first.Image, framedPath);
            Console.WriteLine(Describe(input, first.Face, clock));
            Console.WriteLine($"framed input -> {framedPath} (no --checkpoint, so no partner)");
            return 0;
        }

        using var logging = Logging.Create();
        var results = new List<PortraitResult>();
        try
        {
            foreach (PartnerSex sex in partnerSexes)
            {
                using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Faces = faces, PartnerSex = sex }, logging.CreateLogger("portrait"));
                clock.Restart();
                PortraitResult result = generator.GeneratePortrait(input);
                results.Add(result);
                string partnerPath = Path.Combine(output, stem + (partnerSexes.Length == 1 ? string.Empty : "." + sex.ToString().ToLowerInvariant()) + ".partner.png");
                ImageFiles.Save(result.Partner, partnerPath);
                Console.WriteLine(Describe(input, result.Face!, clock));
                Console.WriteLine($"partner ({sex}) -> {partnerPath}");
                string couplePath = partnerPath.Replace(".partner.png", ".couple.png", StringComparison.Ordinal);
                using (Image<Rgb24> couple = result.ToCouplePortrait())
                {
                    ImageFiles.Save(couple, couplePath);
                }

                Console.WriteLine($"couple portrait -> {couplePath}");
            }

            ImageFiles.Save(results[0].FramedInput, framedPath);
            Console.WriteLine($"framed input -> {framedPath}");
            if (results.Count > 1)
            {
                // One row: the framed input, then the partner for each asked-for sex.
                var row = new List<Image<Rgb24>> { results[0].FramedInput };
                row.AddRange(results.Select(r => r.Partner));
                string sheetPath = Path.Combine(output, stem + ".sheet.png");
                using Image<Rgb24> sheet = ContactSheet.Create(new[] { row }, results[0].Partner.Width);
                ImageFiles.Save(sheet, sheetPath);
                Console.WriteLine($"sheet (framed | {string.Join(" | ", partnerSexes).ToLowerInvariant()}) -> {sheetPath}");
            }

            return 0;
        }
        finally
        {
            results.ForEach(r => r.Dispose());
        }
    }

    private static string Describe(string input, DetectedFace face, Stopwatch clock) => string.Create(
        CultureInfo.InvariantCulture,
        $"{input}: face at ({face.Box.X:F0}, {face.Box.Y:F0}) {face.Box.Width:F0}x{face.Box.Height:F0}, score {face.Score:F2}, eyes ({face.LeftEye.X:F1}, {face.LeftEye.Y:F1}) and ({face.RightEye.X:F1}, {face.RightEye.Y:F1}); {clock.ElapsedMilliseconds} ms");
}
