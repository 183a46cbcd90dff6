using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using CoupleGen.Errors;
using CoupleGen.Generation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Web;

/// <summary>The upload endpoints: a multipart <c>photo</c> (and an optional <c>sex</c>: auto, female or male) to a PNG, or a problem.</summary>
internal static class Photos
{
    /// <summary>Writes the partner alone.</summary>
    public static void WritePartner(PortraitResult result, Stream output) => result.Partner.SaveAsPng(output);

    /// <summary>Writes the couple in the training pairs' look (<see cref="PortraitResult.ToCouplePortrait"/>).</summary>
    public static void WriteCouple(PortraitResult result, Stream output)
    {
        using Image<Rgb24> couple = result.ToCouplePortrait();
        couple.SaveAsPng(output);
    }

    public static async Task<IResult> Handle(HttpRequest request, IPartnerGenerator generator, GenerationWorkers queue, Action<PortraitResult, Stream> write, string fileName, CancellationToken aborted)
    {
        WebOptions limits = request.HttpContext.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        if (request.ContentLength > limits.MaxUploadBytes)
        {
            return TooLarge(limits);
        }

        if (!request.HasFormContentType)
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a form upload", "Send multipart/form-data with the photo in a field named 'photo'.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return TooLarge(limits);
        }

        if (form.Files.GetFile("photo") is not { Length: > 0 } photo)
        {
            return Problem(StatusCodes.Status400BadRequest, "No photo", "The form has no non-empty file field named 'photo'.");
        }

        string sexText = form["sex"].ToString();
        if (!Enum.TryParse(string.IsNullOrEmpty(sexText) ? "auto" : sexText, ignoreCase: true, out PartnerSex sex) || !Enum.IsDefined(sex) || int.TryParse(sexText, out _))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unknown partner sex", $"'sex' is auto, female or male, not '{sexText}'.");
        }

        if (sex != PartnerSex.Auto && !generator.HasSexControl)
        {
            return Problem(StatusCodes.Status400BadRequest, "No partner-sex control", "This model takes only 'auto': explicit sexes need a model of the partner recipe.");
        }

        try
        {
            byte[] png = await queue.RunAsync(
                () =>
                {
                    using Stream stream = photo.OpenReadStream();
                    using PortraitResult result = generator.GeneratePortrait(stream, sex);
                    using var encoded = new MemoryStream();
                    write(result, encoded);
                    return encoded.ToArray();
                },
                aborted).ConfigureAwait(false);
            return Results.File(png, "image/png", fileName);
        }
        catch (QueueFullException ex)
        {
            request.HttpContext.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, "Busy", ex.Message);
        }
        catch (NoFaceFoundException)
        {
            return Problem(StatusCodes.Status400BadRequest, "No face found", $"No face was found in '{photo.FileName}'; use a photo where one face looks at the camera.");
        }
        catch (InvalidImageException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a usable image", Without(ex.Message, photo.FileName));
        }
    }

    private static IResult TooLarge(WebOptions limits) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The upload is larger than the limit of {limits.MaxUploadBytes:N0} bytes."));

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    /// <summary>The library names the stream it read; the client knows its file by its own name.</summary>
    private static string Without(string message, string fileName) => message.Replace("'stream'", $"'{fileName}'", StringComparison.Ordinal);
}
