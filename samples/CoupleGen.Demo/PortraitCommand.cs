using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Imaging;

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
        PartnerSex partnerSex = TrainCommand.ParsePartnerSex(arguments.Text("partner-sex"));
        arguments.RejectUnknown();

        var faces = new FaceFramingOptions
        {
            Selection = face == "largest" ? FaceSelection.Largest : FaceSelection.Index,
            FaceIndex = face == "largest" ? 0 : int.TryParse(face, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index >= 0
                ? index
                : throw new UsageException($"--face needs 'largest' or a face number from 0 (left to right), not '{face}'."),
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
        using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Faces = faces, PartnerSex = partnerSex }, logging.CreateLogger("portrait"));
        clock.Restart();
        using PortraitResult result = generator.GeneratePortrait(input);
        string partnerPath = Path.Combine(output, stem + ".partner.png");
        ImageFiles.Save(result.FramedInput, framedPath);
        ImageFiles.Save(result.Partner, partnerPath);
        Console.WriteLine(Describe(input, result.Face!, clock));
        Console.WriteLine($"framed input -> {framedPath}");
        Console.WriteLine($"partner      -> {partnerPath}");
        return 0;
    }

    private static string Describe(string input, DetectedFace face, Stopwatch clock) => string.Create(
        CultureInfo.InvariantCulture,
        $"{input}: face at ({face.Box.X:F0}, {face.Box.Y:F0}) {face.Box.Width:F0}x{face.Box.Height:F0}, score {face.Score:F2}, eyes ({face.LeftEye.X:F1}, {face.LeftEye.Y:F1}) and ({face.RightEye.X:F1}, {face.RightEye.Y:F1}); {clock.ElapsedMilliseconds} ms");
}
