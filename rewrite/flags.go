package rewrite

import (
	"fmt"
	"strings"
)

// flagSpec is what a docker command's flags look like: the names it
// knows, each with its canonical (long) name and whether it takes a value.
type flagSpec map[string]flagDef

type flagDef struct {
	name  string
	value bool
}

// newSpec builds a flagSpec from entries such as "t,tag=" (a short and a
// long name; "=" when the flag takes a value) or "push".
func newSpec(entries ...string) flagSpec {
	spec := flagSpec{}
	for _, e := range entries {
		value := strings.HasSuffix(e, "=")
		names := strings.Split(strings.TrimSuffix(e, "="), ",")
		canon := names[len(names)-1]
		for _, n := range names {
			dash := "--"
			if len(n) == 1 {
				dash = "-"
			}
			spec[dash+n] = flagDef{name: canon, value: value}
		}
	}
	return spec
}

// flag is one flag read from a command's arguments.
type flag struct {
	// Name is the canonical long name ("tag" for -t) of a known flag, the
	// flag as written ("--squash", "-x") of an unknown one.
	Name  string
	Known bool
	// Raw is the value as shell text, Value the same unquoted; both are
	// empty for a flag without a value.
	Raw, Value string
	// Text is the flag and its value as written, for messages.
	Text string
}

// parseFlags splits a command's arguments into flags and operands, the way
// the docker CLI (pflag) reads them: --name=value or --name value, -n value
// or -nvalue, grouped short flags (-it), "--" ending the flags. With
// interspersed, flags may follow operands (docker build . -t x); without,
// the first operand ends them (docker run IMAGE CMD -x). An unknown flag
// is taken to have no value unless written --name=value.
func parseFlags(args []Word, spec flagSpec, interspersed bool) ([]flag, []Word, error) {
	var (
		flags    []flag
		operands []Word
	)
	for i := 0; i < len(args); i++ {
		w := args[i]
		v := w.Value
		switch {
		case v == "--":
			return flags, append(operands, args[i+1:]...), nil
		case !strings.HasPrefix(v, "-") || v == "-":
			if !interspersed {
				return flags, append(operands, args[i:]...), nil
			}
			operands = append(operands, w)
		case strings.HasPrefix(v, "--"):
			name, _, hasValue := strings.Cut(v, "=")
			def, known := spec[name]
			f := flag{Name: name, Known: known, Text: w.Raw}
			if known {
				f.Name = def.name
			}
			switch {
			case hasValue:
				f.Raw, f.Value = rawFrom(w, len(name)+1), v[len(name)+1:]
			case def.value:
				if i+1 >= len(args) {
					return nil, nil, fmt.Errorf("flag %s needs a value", name)
				}
				i++
				f.Raw, f.Value, f.Text = args[i].Raw, args[i].Value, w.Raw+" "+args[i].Raw
			}
			flags = append(flags, f)
		default: // one or more short flags: -q, -it, -tname, -t name
			for j := 1; j < len(v); j++ {
				name := "-" + v[j:j+1]
				def, known := spec[name]
				f := flag{Name: name, Known: known, Text: name}
				if known {
					f.Name = def.name
				}
				if def.value {
					switch {
					case j+1 < len(v):
						f.Raw, f.Value = rawFrom(w, j+1), v[j+1:]
						f.Text = name + f.Raw
					case i+1 < len(args):
						i++
						f.Raw, f.Value, f.Text = args[i].Raw, args[i].Value, name+" "+args[i].Raw
					default:
						return nil, nil, fmt.Errorf("flag %s needs a value", name)
					}
					flags = append(flags, f)
					break
				}
				flags = append(flags, f)
			}
		}
	}
	return flags, operands, nil
}
