# -*- encoding: utf-8 -*-
# Written for these tests in the style of older RubyGems: %q{} strings, Gem::Version, a
# platform, a single license, and a block variable other than `s`.

Gem::Specification.new do |spec|
  spec.name = %q{nokogiri}
  spec.version = Gem::Version.new("1.10.10")
  spec.platform = %q{x86_64-linux}

  spec.authors = [%q{Mike Dalessio}]
  spec.license = %q{MIT}
  spec.summary = %q{Nokogiri (鋸) makes it easy and painless to work with XML and HTML from Ruby.}
end
