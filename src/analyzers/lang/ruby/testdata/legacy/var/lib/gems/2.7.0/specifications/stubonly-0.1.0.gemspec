# -*- encoding: utf-8 -*-
# stub: stubonly 0.1.0 ruby lib
# Written for these tests: name and version only in the stub line.
Gem::Specification.new do |s|
  s.name = NAME
  s.version = Stubonly::VERSION
end
