// SPDX-License-Identifier: MIT
// Not run: one of each instruction form a hypervisor or hand-written code
// uses, so that the decoder test compares their disassembly with objdump.
	.text
	.global _start
_start:
	alloc r32=ar.pfs,8,8,8,8
	mov r2=psr
	mov psr.l=r3
	mov psr.um=r4
	mov r5=psr.um
	ssm 0x6000
	rsm 0x4000
	sum 0x4
	rum 0x8
	mov r6=cr.ipsr
	mov r7=cr.isr
	mov r8=cr.iip
	mov r9=cr.ifa
	mov r10=cr.itir
	mov r11=cr.ifs
	mov r14=cr.iim
	mov r15=cr.iha
	mov r16=cr.ivr
	mov r17=cr.tpr
	mov r18=cr.irr0
	mov r19=cr.itv
	mov r20=cr.itm
	mov r21=cr.iva
	mov r22=cr.pta
	mov r23=cr.dcr
	mov r24=cr.lid
	mov cr.iva=r2
	mov cr.itm=r3
	mov cr.itv=r4
	mov cr.tpr=r5
	mov cr.eoi=r0
	mov cr.ipsr=r6
	mov cr.iip=r7
	mov cr.ifs=r8
	mov cr.ifa=r9
	mov cr.itir=r10
	mov cr.pta=r11
	mov cr.dcr=r14
	mov r2=rr[r3]
	mov rr[r4]=r5
	mov r6=pkr[r7]
	mov pkr[r8]=r9
	mov r10=cpuid[r11]
	mov r14=dbr[r15]
	mov ibr[r16]=r17
	mov r18=pmd[r19]
	mov pmc[r20]=r21
	itc.i r2
	itc.d r3
	itr.i itr[r4]=r5
	itr.d dtr[r6]=r7
	ptc.l r8,r9
	ptc.g r10,r11
	ptc.ga r14,r15
	ptc.e r16
	ptr.i r17,r18
	ptr.d r19,r20
	tpa r21=r22
	tak r23=r24
	thash r25=r26
	ttag r27=r28
	probe.r r29=r30,r31
	probe.w r2=r3,2
	probe.rw.fault r4,3
	probe.r.fault r5,0
	probe.w.fault r6,1
	fc r7
	mov.m ar.k0=r2
	mov.m r3=ar.k7
	mov.m ar.rsc=r4
	mov.m r5=ar.bsp
	mov.m ar.bspstore=r6
	mov.m ar.rnat=r7
	mov.m r8=ar.rnat
	mov.m ar.unat=r9
	mov.m ar.ccv=r10
	mov.m ar.fpsr=r11
	mov.m r14=ar.itc
	mov.m ar.itc=r15
	mov.i ar.pfs=r16
	mov.i r17=ar.lc
	mov.i ar.ec=r18
	mov.m ar.rsc=3
	mov.i ar.lc=-1
	mov r19=ip
	mov r20=pr
	mov pr=r21,0x1ff
	mov pr.rot=0x10000
	mov b1=r22
	mov r23=b7
	mov.ret.sptk b0=r24,1f
1:	flushrs
	loadrs
	invala
	invala.e r25
	invala.e f26
	srlz.i
	srlz.d
	sync.i
	mf
	mf.a
	fwb
	break.m 0x1000
	break.i 0x1
	break.b 0x1ffff
	break.f 0x3
	nop.b 0x5
	cover
	;;
	clrrrb
	;;
	clrrrb.pr
	;;
	bsw.0
	;;
	bsw.1
	;;
	epc
	rfi
	;;
	br.call.sptk.many b6=b7
	br.cond.sptk.many b5
	br.ret.dpnt.few b1
	br.cloop.sptk.few 1b
	br.ctop.dptk.few 1b
	br.cexit.spnt.few 1b
	br.wtop.sptk.few 1b
	br.wexit.spnt.many 1b
	brl.sptk.few 1b
	brl.call.sptk.many b2=1b
	chk.s.i r2,1b
	chk.s.m r3,1b
	chk.s f4,1b
	chk.a.nc r5,1b
	chk.a.clr f6,1b
	ld8.s r2=[r3]
	ld8.sa r4=[r5],8
	ld4.a r6=[r7],r8
	ld2.c.clr r9=[r10]
	ld1.c.nc r11=[r14]
	ld8.acq r15=[r16]
	ld8.bias.nta r17=[r18]
	ld8.fill r19=[r20],16
	st8.spill [r21]=r22,16
	st4.rel [r23]=r24
	st2.nta [r25]=r26,-2
	cmpxchg8.acq r2=[r3],r4,ar.ccv
	cmpxchg4.rel r5=[r6],r7,ar.ccv
	xchg8 r8=[r9],r10
	fetchadd8.acq r11=[r14],1
	fetchadd4.rel r15=[r16],-16
	ldfe f2=[r3]
	ldf8 f4=[r5],8
	ldfs.s f6=[r7]
	ldfd.a f8=[r9],r10
	ldf.fill f11=[r14],16
	stfe [r15]=f16
	stf8 [r17]=f18,8
	stf.spill [r19]=f20,16
	ldfpd f21,f22=[r23]
	ldfps f24,f25=[r26],8
	setf.sig f2=r3
	setf.exp f4=r5
	setf.s f6=r7
	setf.d f8=r9
	getf.sig r2=f3
	getf.exp r4=f5
	getf.s r6=f7
	getf.d r8=f9
	lfetch [r2]
	lfetch.nt1 [r3],8
	lfetch.fault.excl [r4],r5
	fma.s1 f6=f7,f8,f9
	fms.d.s0 f10=f11,f12,f13
	fnma.s.s2 f14=f15,f16,f17
	fmpy f18=f19,f20
	fadd.d f21=f22,f23
	fsub.s f24=f25,f26
	fnorm.s1 f27=f28
	xma.l f29=f30,f31,f32
	xma.hu f33=f34,f35,f36
	xma.h f37=f38,f39,f40
	xmpy.l f41=f42,f43
	fselect f44=f45,f46,f47
	fcmp.eq.unc.s1 p6,p7=f2,f3
	fcmp.unord.s0 p8,p9=f4,f5
	fclass.m p10,p11=f6,0x1e3
	frcpa.s0 f7,p12=f8,f9
	frsqrta.s1 f10,p13=f11
	fmin.s0 f12=f13,f14
	fmax.s1 f15=f16,f17
	famin f18=f19,f20
	famax f21=f22,f23
	fmerge.s f24=f25,f26
	fmerge.ns f27=f28,f29
	fmerge.se f30=f31,f32
	fneg f33=f34
	fabs f35=f36
	mov f37=f38
	fand f39=f40,f41
	for f42=f43,f44
	fxor f45=f46,f47
	fandcm f48=f49,f50
	fcvt.fx.trunc.s1 f51=f52
	fcvt.fxu f53=f54
	fcvt.xf f55=f56
	fsetc.s0 0x7f,0x0
	fclrf.s1
	fchkf.s0 1b
	tbit.nz.and p1,p2=r3,4
	tnat.z.or p3,p4=r5
	cmp.eq.or.andcm p5,p6=r7,r8
	cmp.ne.and p7,p8=3,r9
	cmp4.gt.unc p9,p10=r11,r12
	cmp.ltu p11,p12=r14,r15
	cmp.ge.and p13,p14=r0,r16
	dep r2=r3,r4,5,6
	dep r5=-1,r6,7,8
	dep.z r7=r8,9,10
	dep.z r9=-3,11,12
	extr r10=r11,12,13
	shrp r14=r15,r16,17
	shl r17=r18,r19
	shr r20=r21,r22
	mux1 r23=r24,@rev
	mux1 r25=r26,@brcst
	mux2 r27=r28,0x1b
	czx1.r r29=r30
	padd2.sss r2=r3,r4
	psub1.uus r5=r6,r7
	pcmp4.gt r8=r9,r10
	pavg1.raz r11=r14,r15
	unpack2.h r16=r17,r18
	mix4.l r19=r20,r21
	pack4.sss r22=r23,r24
	pmin1.u r25=r26,r27
	pmax2 r28=r29,r30
	psad1 r31=r2,r3
	pmpy2.l r4=r5,r6
	pmpyshr2.u r7=r8,r9,15
	pshl4 r10=r11,r14
	pshl2 r15=r16,5
	pshr2.u r17=r18,r19
	pshr4 r20=r21,7
	popcnt r22=r23
	clz r24=r25
	mpy4 r26=r27,r28
	addp4 r2=r3,r4
	addp4 r5=100,r6
	shladdp4 r7=r8,3,r9
	sub r10=r11,r14,1
	add r15=r16,r17,1
	sub r18=-5,r19
	andcm r20=7,r21
	movl r22=0x123456789abcdef0
	nop.x 0x12345
	break.x 0x3fffffffffffffff
	;;
