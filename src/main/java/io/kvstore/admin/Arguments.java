package io.kvstore.admin;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How the global options' values are written on the command line. */
final class Arguments {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

  private Arguments() {}

  /** {@code --endpoint}: a URL, or {@code host:port} for plain HTTP. */
  static final class EndpointConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String text) {
      String url = text.strip().contains("://") ? text.strip() : "http://" + text.strip();
      URI uri;
      try {
        // Paths are appended to it, so a trailing slash would double theirs.
        uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new TypeConversionException("'" + text + "' is not a URL such as http://127.0.0.1:8080, or host:port");
      }
      return uri;
    }
  }

  /** {@code --timeout}: {@code 10s}, {@code 500ms}, {@code 2m}; a bare number is seconds. */
  static final class TimeoutConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      Matcher matcher = DURATION.matcher(text.strip());
      if (!matcher.matches()) {
        throw new TypeConversionException("'" + text + "' is not a duration such as 10s, 500ms or 2m");
      }
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "s" : matcher.group(2);
      Duration duration =
          switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
          };
      if (duration.isZero()) {
        throw new TypeConversionException("the timeout must be longer than 0");
      }
      return duration;
    }
  }
}
