package tpch

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/pingcap/go-tpc/tpch/dbgen"
)

// The loaders implement dbgen.Loader: dbgen calls Load once per generated
// row (for the combined generators: once per order / per part, with the
// lineitems / partsupps attached). They append straight into typed Arrow
// builders. Flush is a no-op: dbgen ignores Flush errors, so Generate
// flushes the last partial batch itself after DbGen returns.
//
// dbgen represents money, quantity, discount and tax as integer hundredths
// (discount 0.04 is 4; quantity 17 is 17, i.e. 1700 hundredths); they become
// Decimal128(15,2) unscaled values without going through floating point.
// Dates are "YYYY-MM-DD" strings and are converted to days since the epoch.

type nopLoader struct{}

func (nopLoader) Load(interface{}) error { return nil }
func (nopLoader) Flush() error           { return nil }

func i32(b array.Builder) *array.Int32Builder      { return b.(*array.Int32Builder) }
func i64(b array.Builder) *array.Int64Builder      { return b.(*array.Int64Builder) }
func str(b array.Builder) *array.StringBuilder     { return b.(*array.StringBuilder) }
func dec(b array.Builder) *array.Decimal128Builder { return b.(*array.Decimal128Builder) }
func date(b array.Builder) *array.Date32Builder    { return b.(*array.Date32Builder) }
func cents(v int64) decimal128.Num                 { return decimal128.FromI64(v) }
func wrongType(want string, item interface{}) error {
	return fmt.Errorf("tpch: expected %s from dbgen, got %T", want, item)
}

// oneChar holds the single-byte strings used for flag columns.
var oneChar [256]string

func init() {
	for i := range oneChar {
		oneChar[i] = string([]byte{byte(i)})
	}
}

// parseDate converts dbgen's "YYYY-MM-DD" to days since 1970-01-01.
func parseDate(s string) (arrow.Date32, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("tpch: bad dbgen date %q", s)
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("tpch: bad dbgen date %q", s)
	}
	return arrow.Date32(daysFromCivil(y, m, d)), nil
}

// daysFromCivil is Howard Hinnant's days_from_civil (proleptic Gregorian).
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// ---- region ----

type regionLoader struct {
	o             *tableOut
	key           *array.Int32Builder
	name, comment *array.StringBuilder
}

func newRegionLoader(o *tableOut) *regionLoader {
	f := o.rb.Fields()
	return &regionLoader{o: o, key: i32(f[0]), name: str(f[1]), comment: str(f[2])}
}

func (l *regionLoader) Load(item interface{}) error {
	r, ok := item.(*dbgen.Region)
	if !ok {
		return wrongType("*dbgen.Region", item)
	}
	l.key.Append(int32(r.Code))
	l.name.Append(r.Text)
	l.comment.Append(r.Comment)
	return l.o.endRow()
}

func (l *regionLoader) Flush() error { return nil }

// ---- nation ----

type nationLoader struct {
	o              *tableOut
	key, regionKey *array.Int32Builder
	name, comment  *array.StringBuilder
}

func newNationLoader(o *tableOut) *nationLoader {
	f := o.rb.Fields()
	return &nationLoader{o: o, key: i32(f[0]), name: str(f[1]), regionKey: i32(f[2]), comment: str(f[3])}
}

func (l *nationLoader) Load(item interface{}) error {
	n, ok := item.(*dbgen.Nation)
	if !ok {
		return wrongType("*dbgen.Nation", item)
	}
	l.key.Append(int32(n.Code))
	l.name.Append(n.Text)
	l.regionKey.Append(int32(n.Join))
	l.comment.Append(n.Comment)
	return l.o.endRow()
}

func (l *nationLoader) Flush() error { return nil }

// ---- supplier ----

type supplierLoader struct {
	o                             *tableOut
	key                           *array.Int64Builder
	nationKey                     *array.Int32Builder
	name, address, phone, comment *array.StringBuilder
	acctbal                       *array.Decimal128Builder
}

func newSupplierLoader(o *tableOut) *supplierLoader {
	f := o.rb.Fields()
	return &supplierLoader{o: o, key: i64(f[0]), name: str(f[1]), address: str(f[2]),
		nationKey: i32(f[3]), phone: str(f[4]), acctbal: dec(f[5]), comment: str(f[6])}
}

func (l *supplierLoader) Load(item interface{}) error {
	s, ok := item.(*dbgen.Supp)
	if !ok {
		return wrongType("*dbgen.Supp", item)
	}
	l.key.Append(int64(s.SuppKey))
	l.name.Append(s.Name)
	l.address.Append(s.Address)
	l.nationKey.Append(int32(s.NationCode))
	l.phone.Append(s.Phone)
	l.acctbal.Append(cents(int64(s.Acctbal)))
	l.comment.Append(s.Comment)
	return l.o.endRow()
}

func (l *supplierLoader) Flush() error { return nil }

// ---- customer ----

type customerLoader struct {
	o                                         *tableOut
	key                                       *array.Int64Builder
	nationKey                                 *array.Int32Builder
	name, address, phone, mktsegment, comment *array.StringBuilder
	acctbal                                   *array.Decimal128Builder
}

func newCustomerLoader(o *tableOut) *customerLoader {
	f := o.rb.Fields()
	return &customerLoader{o: o, key: i64(f[0]), name: str(f[1]), address: str(f[2]),
		nationKey: i32(f[3]), phone: str(f[4]), acctbal: dec(f[5]), mktsegment: str(f[6]), comment: str(f[7])}
}

func (l *customerLoader) Load(item interface{}) error {
	c, ok := item.(*dbgen.Cust)
	if !ok {
		return wrongType("*dbgen.Cust", item)
	}
	l.key.Append(int64(c.CustKey))
	l.name.Append(c.Name)
	l.address.Append(c.Address)
	l.nationKey.Append(int32(c.NationCode))
	l.phone.Append(c.Phone)
	l.acctbal.Append(cents(int64(c.Acctbal)))
	l.mktsegment.Append(c.MktSegment)
	l.comment.Append(c.Comment)
	return l.o.endRow()
}

func (l *customerLoader) Flush() error { return nil }

// ---- part ----

type partLoader struct {
	o                                          *tableOut
	key                                        *array.Int64Builder
	size                                       *array.Int32Builder
	name, mfgr, brand, typ, container, comment *array.StringBuilder
	retailprice                                *array.Decimal128Builder
}

func newPartLoader(o *tableOut) *partLoader {
	f := o.rb.Fields()
	return &partLoader{o: o, key: i64(f[0]), name: str(f[1]), mfgr: str(f[2]), brand: str(f[3]),
		typ: str(f[4]), size: i32(f[5]), container: str(f[6]), retailprice: dec(f[7]), comment: str(f[8])}
}

func (l *partLoader) Load(item interface{}) error {
	p, ok := item.(*dbgen.Part)
	if !ok {
		return wrongType("*dbgen.Part", item)
	}
	l.key.Append(int64(p.PartKey))
	l.name.Append(p.Name)
	l.mfgr.Append(p.Mfgr)
	l.brand.Append(p.Brand)
	l.typ.Append(p.Type)
	l.size.Append(int32(p.Size))
	l.container.Append(p.Container)
	l.retailprice.Append(cents(int64(p.RetailPrice)))
	l.comment.Append(p.Comment)
	return l.o.endRow()
}

func (l *partLoader) Flush() error { return nil }

// ---- partsupp ----

type partSuppLoader struct {
	o                *tableOut
	partKey, suppKey *array.Int64Builder
	availqty         *array.Int32Builder
	supplycost       *array.Decimal128Builder
	comment          *array.StringBuilder
}

func newPartSuppLoader(o *tableOut) *partSuppLoader {
	f := o.rb.Fields()
	return &partSuppLoader{o: o, partKey: i64(f[0]), suppKey: i64(f[1]), availqty: i32(f[2]),
		supplycost: dec(f[3]), comment: str(f[4])}
}

func (l *partSuppLoader) Load(item interface{}) error {
	p, ok := item.(*dbgen.Part)
	if !ok {
		return wrongType("*dbgen.Part", item)
	}
	for i := range p.S {
		ps := &p.S[i]
		l.partKey.Append(int64(ps.PartKey))
		l.suppKey.Append(int64(ps.SuppKey))
		l.availqty.Append(int32(ps.Qty))
		l.supplycost.Append(cents(int64(ps.SCost)))
		l.comment.Append(ps.Comment)
		if err := l.o.endRow(); err != nil {
			return err
		}
	}
	return nil
}

func (l *partSuppLoader) Flush() error { return nil }

// ---- orders ----

type ordersLoader struct {
	o                                *tableOut
	key, custKey                     *array.Int64Builder
	status, priority, clerk, comment *array.StringBuilder
	totalprice                       *array.Decimal128Builder
	orderdate                        *array.Date32Builder
	shippriority                     *array.Int32Builder
}

func newOrdersLoader(o *tableOut) *ordersLoader {
	f := o.rb.Fields()
	return &ordersLoader{o: o, key: i64(f[0]), custKey: i64(f[1]), status: str(f[2]),
		totalprice: dec(f[3]), orderdate: date(f[4]), priority: str(f[5]), clerk: str(f[6]),
		shippriority: i32(f[7]), comment: str(f[8])}
}

func (l *ordersLoader) Load(item interface{}) error {
	o, ok := item.(*dbgen.Order)
	if !ok {
		return wrongType("*dbgen.Order", item)
	}
	d, err := parseDate(o.Date)
	if err != nil {
		return err
	}
	l.key.Append(int64(o.OKey))
	l.custKey.Append(int64(o.CustKey))
	l.status.Append(oneChar[o.Status])
	l.totalprice.Append(cents(int64(o.TotalPrice)))
	l.orderdate.Append(d)
	l.priority.Append(o.OrderPriority)
	l.clerk.Append(o.Clerk)
	l.shippriority.Append(int32(o.ShipPriority))
	l.comment.Append(o.Comment)
	return l.o.endRow()
}

func (l *ordersLoader) Flush() error { return nil }

// ---- lineitem ----

type lineitemLoader struct {
	o                                 *tableOut
	orderKey, partKey, suppKey        *array.Int64Builder
	linenumber                        *array.Int32Builder
	quantity, extprice, discount, tax *array.Decimal128Builder
	returnflag, linestatus            *array.StringBuilder
	shipdate, commitdate, receiptdate *array.Date32Builder
	shipinstruct, shipmode, comment   *array.StringBuilder
}

func newLineitemLoader(o *tableOut) *lineitemLoader {
	f := o.rb.Fields()
	return &lineitemLoader{o: o, orderKey: i64(f[0]), partKey: i64(f[1]), suppKey: i64(f[2]),
		linenumber: i32(f[3]), quantity: dec(f[4]), extprice: dec(f[5]), discount: dec(f[6]), tax: dec(f[7]),
		returnflag: str(f[8]), linestatus: str(f[9]), shipdate: date(f[10]), commitdate: date(f[11]),
		receiptdate: date(f[12]), shipinstruct: str(f[13]), shipmode: str(f[14]), comment: str(f[15])}
}

func (l *lineitemLoader) Load(item interface{}) error {
	o, ok := item.(*dbgen.Order)
	if !ok {
		return wrongType("*dbgen.Order", item)
	}
	for i := range o.Lines {
		li := &o.Lines[i]
		sd, err := parseDate(li.SDate)
		if err != nil {
			return err
		}
		cd, err := parseDate(li.CDate)
		if err != nil {
			return err
		}
		rd, err := parseDate(li.RDate)
		if err != nil {
			return err
		}
		l.orderKey.Append(int64(li.OKey))
		l.partKey.Append(int64(li.PartKey))
		l.suppKey.Append(int64(li.SuppKey))
		l.linenumber.Append(int32(li.LCnt))
		l.quantity.Append(cents(int64(li.Quantity) * 100))
		l.extprice.Append(cents(int64(li.EPrice)))
		l.discount.Append(cents(int64(li.Discount)))
		l.tax.Append(cents(int64(li.Tax)))
		l.returnflag.Append(oneChar[li.RFlag])
		l.linestatus.Append(oneChar[li.LStatus])
		l.shipdate.Append(sd)
		l.commitdate.Append(cd)
		l.receiptdate.Append(rd)
		l.shipinstruct.Append(li.ShipInstruct)
		l.shipmode.Append(li.ShipMode)
		l.comment.Append(li.Comment)
		if err := l.o.endRow(); err != nil {
			return err
		}
	}
	return nil
}

func (l *lineitemLoader) Flush() error { return nil }
